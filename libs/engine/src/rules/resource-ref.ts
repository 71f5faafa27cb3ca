import { ResourceRef, ResourceScope } from './ast';

// Same shape as the configuration library's identifiers, since generated resources are
// `<class>.<ident>`; ids with other characters (an IPv6 VIP's `:`) can still be reached through `?`/`*`.
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const CLASS = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** How error messages describe a resource, so both parsers say the same thing. */
export const RESOURCE_SYNTAX = 'a resource ([local.|remote.]class.id)';

/**
 * Reads `[local.|remote.]class.id`. A leading `local.`/`remote.` is always the scope (no class has
 * those names), and the class stops at the first dot so ids may hold dots (`ip.10.0.0.129`).
 * Returns undefined when the word is not a resource, leaving the wording of the error to the caller.
 */
export function parseResourceRef(word: string): ResourceRef | undefined {
  let scope: ResourceScope = 'local';
  let rest = word;
  for (const s of ['local', 'remote'] as const) {
    if (rest.startsWith(`${s}.`)) {
      scope = s;
      rest = rest.slice(s.length + 1);
      break;
    }
  }
  const dot = rest.indexOf('.');
  if (dot < 0) return undefined;
  const cls = rest.slice(0, dot);
  const id = rest.slice(dot + 1);
  if (!CLASS.test(cls) || cls === 'local' || cls === 'remote') return undefined;
  if (id !== '*' && id !== '?' && !ID.test(id)) return undefined;
  return { kind: 'resource', scope, cls, id };
}

/** The reference as the legacy language writes it: local is implicit. */
export function printResourceRef(ref: ResourceRef): string {
  return `${ref.scope === 'remote' ? 'remote.' : ''}${ref.cls}.${ref.id}`;
}
