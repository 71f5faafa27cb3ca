import { IssueSink, SourceLocation } from '../errors';
import { attributeLocation, XmlElement } from '../xml/xml-tree';
import { AttrSpec, AttrValue, Presence } from '../values/attr';

type AttrShape = Record<string, AttrSpec<unknown, Presence>>;
type ChildShape = Record<string, ChildSpec<unknown, Multiplicity>>;
type Multiplicity = 'one' | 'optional' | 'many';

export interface ChildSpec<M, K extends Multiplicity> {
  readonly spec: ElementSpec<M>;
  readonly kind: K;
  readonly min: number;
  readonly max: number;
}

type ChildValue<C> =
  C extends ChildSpec<infer M, 'one'>
    ? M
    : C extends ChildSpec<infer M, 'optional'>
      ? M | undefined
      : C extends ChildSpec<infer M, 'many'>
        ? M[]
        : never;

export type AttrValues<A extends AttrShape> = { [K in keyof A]: AttrValue<A[K]> };
export type ChildValues<C extends ChildShape> = { [K in keyof C]: ChildValue<C[K]> };

/** What a build function gets besides attributes and children: the element itself, for locations. */
export interface BuildContext {
  readonly element: XmlElement;
  readonly location: SourceLocation;
  /** Text and CDATA content. */
  readonly texts: readonly string[];
  readonly textStarts: readonly { readonly line: number; readonly column: number }[];
}

/** The shape of one element: its attributes, children and how the typed model object is built. */
export interface ElementSpec<M> {
  readonly name: string;
  readonly attrs: AttrShape;
  readonly children: ChildShape;
  readonly text: boolean;
  /** Says where the allowed children list applies, e.g. "in a farm module". */
  readonly scope?: string;
  readonly build: (attrs: Record<string, unknown>, children: Record<string, unknown>, ctx: BuildContext) => M;
}

export function element<A extends AttrShape, C extends ChildShape, M>(
  name: string,
  def: {
    attrs: A;
    children?: C;
    text?: boolean;
    scope?: string;
    build: (attrs: AttrValues<A>, children: ChildValues<C>, ctx: BuildContext) => M;
  },
): ElementSpec<M> {
  return {
    name,
    attrs: def.attrs,
    children: def.children ?? {},
    text: def.text ?? false,
    scope: def.scope,
    build: def.build as ElementSpec<M>['build'],
  };
}

export const one = <M>(spec: ElementSpec<M>): ChildSpec<M, 'one'> => ({ spec, kind: 'one', min: 1, max: 1 });
export const optional = <M>(spec: ElementSpec<M>): ChildSpec<M, 'optional'> => ({
  spec,
  kind: 'optional',
  min: 0,
  max: 1,
});
export const many = <M>(spec: ElementSpec<M>, min = 0): ChildSpec<M, 'many'> => ({
  spec,
  kind: 'many',
  min,
  max: Number.POSITIVE_INFINITY,
});

/** An element that only wraps a list of one kind of child, e.g. `<interface_list>`: it reads as that list. */
export function listOf<M>(name: string, child: ElementSpec<M>, min = 1): ElementSpec<M[]> {
  return {
    name,
    attrs: {},
    children: { [child.name]: many(child, min) },
    text: false,
    build: (_a, c) => c[child.name] as M[],
  };
}

const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));

/**
 * Checks an element against its spec and builds its model object. Every problem goes to `sink`
 * (unknown or missing attributes, bad values, unknown or missing children, too many children) and
 * checking goes on through siblings, so one run reports them all. Returns undefined when this
 * element or anything below it was invalid.
 */
export function readElement<M>(el: XmlElement, spec: ElementSpec<M>, sink: IssueSink): M | undefined {
  let valid = true;
  const attrs: Record<string, unknown> = {};
  const allowedAttrs = Object.keys(spec.attrs);

  const scope = spec.scope ? ` ${spec.scope}` : '';
  for (const attr of el.attributes.values()) {
    if (!(attr.name in spec.attrs)) {
      sink.add(
        attributeLocation(el, attr.name),
        `unknown attribute '${attr.name}' on <${el.name}>${scope} (allowed: ${list(allowedAttrs)})`,
        attr.name,
      );
      valid = false;
    }
  }
  for (const [name, attrSpec] of Object.entries(spec.attrs)) {
    const attr = el.attributes.get(name);
    if (!attr) {
      if (attrSpec.presence === 'required') {
        sink.add(
          el.location,
          `missing required attribute '${name}' on <${el.name}> (expected ${attrSpec.expected})`,
          name,
        );
        valid = false;
      }
      attrs[name] = attrSpec.fallback;
      continue;
    }
    const r = attrSpec.read(attr.value, name);
    if (r.ok) attrs[name] = r.value;
    else {
      sink.add(attributeLocation(el, name), r.message, name);
      valid = false;
    }
  }

  if (!spec.text && el.texts.length > 0) {
    sink.add(el.location, `<${el.name}> takes no text content`);
    valid = false;
  }

  const allowedChildren = Object.keys(spec.children);
  const byName = new Map<string, XmlElement[]>();
  for (const child of el.children) {
    if (!(child.name in spec.children)) {
      sink.add(
        child.location,
        `element <${child.name}> is not allowed in <${el.name}>${scope} (allowed: ${list(allowedChildren)})`,
      );
      valid = false;
      continue;
    }
    byName.set(child.name, [...(byName.get(child.name) ?? []), child]);
  }

  const children: Record<string, unknown> = {};
  for (const [name, childSpec] of Object.entries(spec.children)) {
    const found = byName.get(name) ?? [];
    if (found.length < childSpec.min) {
      sink.add(
        el.location,
        `<${el.name}> needs ${childSpec.min === 1 ? 'a' : `at least ${childSpec.min}`} <${name}> element${childSpec.min === 1 ? '' : 's'}`,
      );
      valid = false;
    }
    if (found.length > childSpec.max) {
      sink.add(
        found[childSpec.max].location,
        `<${el.name}> allows at most ${childSpec.max} <${name}> element`,
      );
      valid = false;
    }
    const built = found.map((c) => readElement(c, childSpec.spec, sink));
    if (built.some((b) => b === undefined)) valid = false;
    children[name] = childSpec.kind === 'many' ? built : built[0];
  }

  if (!valid) return undefined;
  return spec.build(attrs, children, {
    element: el,
    location: el.location,
    texts: el.texts,
    textStarts: el.textStarts,
  });
}

/** The model an element would have if it were written empty, e.g. `<failover/>`: its defaults. */
export function defaultsOf<M>(
  spec: ElementSpec<M>,
  location: SourceLocation,
  sink: IssueSink,
): M | undefined {
  return readElement(
    { name: spec.name, attributes: new Map(), children: [], texts: [], textStarts: [], location },
    spec,
    sink,
  );
}
