import { Condition, Consequence, Operand, Rule } from './ast';
import { printResourceRef } from './resource-ref';

/**
 * Prints rules in the legacy language, one per line, with the fewest parentheses that re-parse to
 * the same tree (`&&` and `||` group to the left). Lua rules print in their legacy equivalent.
 */
export function printRules(rules: readonly Pick<Rule, 'label' | 'condition' | 'then'>[]): string {
  return rules.map(printRule).join('\n');
}

export function printRule(rule: Pick<Rule, 'label' | 'condition' | 'then'>): string {
  return `${rule.label}: if (${printCondition(rule.condition)}) then ${printConsequence(rule.then)};`;
}

export function printConsequence(c: Consequence): string {
  return c.kind === 'action' ? `${c.action}()` : `${printResourceRef(c.target)}=${c.value}`;
}

export function printOperand(o: Operand): string {
  if (o.kind === 'state') return o.state;
  if (o.kind === 'cluster') return 'cluster()';
  return printResourceRef(o);
}

const RANK = { or: 1, and: 2, not: 3, compare: 4 } as const;

export function printCondition(c: Condition): string {
  switch (c.kind) {
    case 'compare':
      return `${printOperand(c.left)} ${c.op} ${printOperand(c.right)}`;
    case 'not':
      // Always bracket a comparison under `!`: `!(a == b)` says what `!a == b` means.
      return `!${c.operand.kind === 'not' ? printCondition(c.operand) : `(${printCondition(c.operand)})`}`;
    case 'and':
    case 'or': {
      const rank = RANK[c.kind];
      const left = RANK[c.left.kind] < rank ? `(${printCondition(c.left)})` : printCondition(c.left);
      const right = RANK[c.right.kind] <= rank ? `(${printCondition(c.right)})` : printCondition(c.right);
      return `${left} ${c.kind === 'and' ? '&&' : '||'} ${right}`;
    }
  }
}
