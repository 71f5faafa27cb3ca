import { Condition, Operand, ResourceRef, ResourceScope, isWildcard } from './ast';

/**
 * What the rules read. Maps go from resource name (`tcp.R1test`, `heartbeat.0`) to value. The remote
 * map holds the peer's resources under their own names (`remote.tcp.a` reads `remote['tcp.a']`);
 * a farm or light module passes none.
 */
export interface ResourceView {
  readonly local: Readonly<Record<string, string>>;
  readonly remote?: Readonly<Record<string, string>>;
  /**
   * Value of `cluster()`. The reference only shows it in `cluster() == down` next to
   * `heartbeat.* == down`; keel lets the caller say whether the rest of the cluster is reachable
   * (`up`/`down`) and reads `unknown` when it is not given.
   */
  readonly cluster?: string;
}

/** A local resource nobody set is a checker that has not answered yet (reference §2.2). */
export const MISSING_LOCAL = 'init';
/** A remote resource the heartbeats did not bring is not known (reference §2.2). */
export const MISSING_REMOTE = 'unknown';
export const MISSING_CLUSTER = 'unknown';

function table(view: ResourceView, scope: ResourceScope): Readonly<Record<string, string>> {
  return (scope === 'local' ? view.local : view.remote) ?? {};
}

export function readResource(view: ResourceView, scope: ResourceScope, name: string): string {
  const t = table(view, scope);
  // Own properties only: a resource named `tcp.constructor` must not read Object.prototype.
  if (Object.hasOwn(t, name)) return t[name] as string;
  return scope === 'local' ? MISSING_LOCAL : MISSING_REMOTE;
}

/** Names of the existing resources of a class in one scope, in the map's order. */
export function resourcesOfClass(view: ResourceView, scope: ResourceScope, cls: string): string[] {
  const prefix = `${cls}.`;
  return Object.keys(table(view, scope)).filter((k) => k.startsWith(prefix) && k.length > prefix.length);
}

function valueOf(o: Operand, view: ResourceView): string {
  if (o.kind === 'state') return o.state;
  if (o.kind === 'cluster') return view.cluster ?? MISSING_CLUSTER;
  return readResource(view, o.scope, `${o.cls}.${o.id}`);
}

/**
 * `?` is "some existing resource of the class", `*` is "every existing resource of the class".
 * Both are false over an empty class: `ip.* == down` on a module without VIP checkers must not
 * fire `stopstart`, and `heartbeat.* == down` on a farm (no heartbeats) must not mean isolation.
 */
function quantify(ref: ResourceRef, view: ResourceView, holds: (value: string) => boolean): boolean {
  const values = resourcesOfClass(view, ref.scope, ref.cls).map((n) => readResource(view, ref.scope, n));
  if (values.length === 0) return false;
  return ref.id === '?' ? values.some(holds) : values.every(holds);
}

function equals(left: Operand, right: Operand, view: ResourceView): boolean {
  if (left.kind === 'resource' && isWildcard(left)) {
    const r = valueOf(right, view);
    return quantify(left, view, (v) => v === r);
  }
  if (right.kind === 'resource' && isWildcard(right)) {
    const l = valueOf(left, view);
    return quantify(right, view, (v) => v === l);
  }
  return valueOf(left, view) === valueOf(right, view);
}

/**
 * Truth of a condition. `!=` is the negation of the matching `==`, wildcards included:
 * `ip.? != up` is "no VIP is up" (not "some VIP is not up"), `ip.* != down` is "not all VIPs are
 * down" and is true over an empty class. One definition of negation keeps `!(a == b)` and
 * `a != b` interchangeable, which rule authors rely on.
 */
export function evaluateCondition(c: Condition, view: ResourceView): boolean {
  switch (c.kind) {
    case 'compare': {
      const eq = equals(c.left, c.right, view);
      return c.op === '==' ? eq : !eq;
    }
    case 'not':
      return !evaluateCondition(c.operand, view);
    case 'and':
      return evaluateCondition(c.left, view) && evaluateCondition(c.right, view);
    case 'or':
      return evaluateCondition(c.left, view) || evaluateCondition(c.right, view);
  }
}
