import { IssueSink } from './errors';
import { attributeLocation, XmlElement } from './xml/xml-tree';

const REFERENCE = /%([A-Za-z_][A-Za-z0-9_]*)%/g;

/**
 * Replaces every `%name%` in attribute values and text with the macro of that name, else the
 * environment variable; a macro wins over an environment variable. A reference to neither is an
 * error (the reference leaves it open; silently keeping `%name%` would hide typos until run time).
 * Macro values may use environment variables and macros defined before them.
 */
export function expandMacros(
  root: XmlElement,
  env: Readonly<Record<string, string | undefined>>,
  sink: IssueSink,
): Record<string, string> {
  const macros: Record<string, string> = {};
  const expand = (value: string, where: () => void) =>
    value.replace(REFERENCE, (whole, name: string) => {
      const found = Object.prototype.hasOwnProperty.call(macros, name) ? macros[name] : env[name];
      if (found === undefined) {
        where();
        return whole;
      }
      return found;
    });

  const visit = (el: XmlElement) => {
    for (const attr of el.attributes.values()) {
      attr.value = expand(attr.value, () =>
        sink.add(
          attributeLocation(el, attr.name),
          `undefined macro in '${attr.value}': no <macro> and no environment variable named ${undefinedName(attr.value, macros, env)}`,
          attr.name,
        ),
      );
    }
    el.texts.forEach((t, i) => {
      el.texts[i] = expand(t, () =>
        sink.add(
          el.location,
          `undefined macro in the text of <${el.name}>: ${undefinedName(t, macros, env)}`,
        ),
      );
    });
    const name = el.name === 'macro' ? el.attributes.get('name') : undefined;
    if (name) macros[name.value] = el.attributes.get('value')?.value ?? '';
    el.children.forEach(visit);
  };
  visit(root);
  return macros;
}

function undefinedName(
  value: string,
  macros: Record<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  for (const m of value.matchAll(REFERENCE)) {
    if (!(m[1] in macros) && env[m[1]] === undefined) return m[1];
  }
  return '?';
}
