import {
  Condition,
  Consequence,
  Operand,
  RESOURCE_STATES,
  RULE_ACTIONS,
  ResourceState,
  Rule,
  RuleAction,
  isWildcard,
} from './ast';
import { LegacyToken, lexLegacy } from './legacy-lexer';
import { TokenCursor } from './token-cursor';
import { RESOURCE_SYNTAX, parseResourceRef } from './resource-ref';
import { RuleParseError, quoteToken } from './rule-parse-error';

/** Same characters as configuration identifiers: generated labels are `t_`/`p_`/`c_` + an ident. */
export const LABEL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const ACTION_LIST = `an action (${RULE_ACTIONS.join(', ')})`;
const STATE_LIST = `a state (${RESOURCE_STATES.join(', ')})`;
const OPERAND = `${RESOURCE_SYNTAX}, ${STATE_LIST} or cluster()`;
const AFTER_CONDITION = `'&&', '||' or ')'`;

const isState = (w: string): w is ResourceState => (RESOURCE_STATES as readonly string[]).includes(w);
const isAction = (w: string): w is RuleAction => (RULE_ACTIONS as readonly string[]).includes(w);

/**
 * Parses one section written in the legacy failover language:
 * `label: if (condition) then action();` repeated, with `/* *\/` comments anywhere.
 * Precedence, tightest first: `!`, then comparisons, then `&&`, then `||`. Comparisons are the
 * atoms of a condition, so `!tcp.a == down` can only mean `!(tcp.a == down)` and is read so.
 * Throws RuleParseError on the first problem in text order.
 */
export function parseLegacyRules(text: string, section = 'rules'): Rule[] {
  return new LegacyParser(lexLegacy(text), section).section();
}

class LegacyParser extends TokenCursor<LegacyToken> {
  constructor(
    tokens: readonly LegacyToken[],
    private readonly sectionName: string,
  ) {
    super(tokens);
  }

  section(): Rule[] {
    const rules: Rule[] = [];
    while (this.peek().kind !== 'eof') rules.push(this.rule());
    return rules;
  }

  private rule(): Rule {
    const start = this.peek();
    if (start.kind !== 'word' || !LABEL.test(start.text)) this.fail(start, 'a rule label');
    this.next();
    this.punct(':');
    this.keyword('if');
    this.punct('(');
    const condition = this.or();
    this.punct(')', AFTER_CONDITION);
    this.keyword('then');
    const then = this.consequence();
    this.punct(';');
    return {
      label: start.text,
      condition,
      then,
      origin: { section: this.sectionName, line: start.line, column: start.column },
    };
  }

  private or(): Condition {
    let left = this.and();
    while (this.isPunct('||')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Condition {
    let left = this.unary();
    while (this.isPunct('&&')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Condition {
    const t = this.peek();
    if (this.isPunct('!')) {
      this.next();
      return { kind: 'not', operand: this.unary() };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.or();
      this.punct(')', AFTER_CONDITION);
      return inner;
    }
    if (t.kind !== 'word') this.fail(t, `a condition ('!', '(' or a comparison)`);
    return this.comparison();
  }

  private comparison(): Condition {
    const left = this.operand();
    const opToken = this.peek();
    if (!this.isPunct('==') && !this.isPunct('!=')) this.fail(opToken, `'==' or '!='`);
    this.next();
    const rightToken = this.peek();
    const right = this.operand();
    // Two wildcards would need a nested quantifier nobody has defined; refuse rather than guess.
    if (left.kind === 'resource' && right.kind === 'resource' && isWildcard(left) && isWildcard(right)) {
      this.fail(
        rightToken,
        `a state, cluster() or a resource without wildcard (only one side of a comparison may use * or ?)`,
      );
    }
    return { kind: 'compare', op: opToken.text as '==' | '!=', left, right };
  }

  private operand(): Operand {
    const t = this.peek();
    if (t.kind !== 'word') this.fail(t, OPERAND);
    if (isState(t.text)) {
      this.next();
      return { kind: 'state', state: t.text };
    }
    if (t.text === 'cluster' && this.peek(1).kind === 'punct' && this.peek(1).text === '(') {
      this.next();
      this.next();
      this.punct(')');
      return { kind: 'cluster' };
    }
    const ref = parseResourceRef(t.text);
    if (ref === undefined) this.fail(t, OPERAND);
    this.next();
    return ref;
  }

  private consequence(): Consequence {
    const t = this.peek();
    if (t.kind !== 'word') this.fail(t, ACTION_LIST);
    const following = this.peek(1);
    if (following.kind === 'punct' && following.text === '=') {
      // The built-in assignment action (`then rfs.uptodate=up;`): only meaningful on this node.
      const target = parseResourceRef(t.text);
      if (target === undefined || target.scope !== 'local' || isWildcard(target)) {
        this.fail(t, 'a local resource without wildcard to assign');
      }
      this.next();
      this.next();
      const v = this.peek();
      if (v.kind !== 'word' || !isState(v.text)) this.fail(v, STATE_LIST);
      this.next();
      return { kind: 'assign', target, value: v.text };
    }
    if (!isAction(t.text)) this.fail(t, ACTION_LIST);
    this.next();
    this.punct('(');
    this.punct(')');
    return { kind: 'action', action: t.text };
  }

  private keyword(word: string): void {
    const t = this.peek();
    if (t.kind !== 'word' || t.text !== word) this.fail(t, `'${word}'`);
    this.next();
  }

  protected fail(t: LegacyToken, expected: string): never {
    if (t.unterminatedComment) {
      throw new RuleParseError(
        this.sectionName,
        t.line,
        t.column,
        expected,
        `'/*'`,
        `unterminated comment: no '*/' before the end of the section`,
      );
    }
    throw new RuleParseError(
      this.sectionName,
      t.line,
      t.column,
      expected,
      quoteToken(t.kind === 'eof' ? undefined : t.text),
    );
  }
}
