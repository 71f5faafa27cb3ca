import { Condition, Operand, Rule, isWildcard } from './ast';
import { ResourceView, resourcesOfClass } from './evaluate';

function* operands(c: Condition): Generator<Operand> {
  if (c.kind === 'compare') {
    yield c.left;
    yield c.right;
  } else if (c.kind === 'not') {
    yield* operands(c.operand);
  } else {
    yield* operands(c.left);
    yield* operands(c.right);
  }
}

/**
 * The start-up gate (reference §5.11 step 1): the local resources used by a `wait` rule that are
 * still `init`. While the list is not empty the module stays in WAIT (Transient).
 *
 * Only resources present in `local` count. A name no component has declared would read `init`
 * forever and hold the module in WAIT for good (the default `splitbrain_failure` rule exists even
 * without a splitbrain checker). Remote resources do not count: the peer's start-up is its own.
 * Wildcards count every existing resource of their class. Sorted, so callers can compare lists.
 */
export function pendingInit(rules: readonly Rule[], local: ResourceView['local']): string[] {
  const pending = new Set<string>();
  const view: ResourceView = { local };
  for (const rule of rules) {
    if (rule.then.kind !== 'action' || rule.then.action !== 'wait') continue;
    for (const o of operands(rule.condition)) {
      if (o.kind !== 'resource' || o.scope !== 'local') continue;
      const names = isWildcard(o) ? resourcesOfClass(view, 'local', o.cls) : [`${o.cls}.${o.id}`];
      for (const n of names) if (Object.hasOwn(local, n) && local[n] === 'init') pending.add(n);
    }
  }
  return [...pending].sort();
}
