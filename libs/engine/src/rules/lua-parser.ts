import { RESOURCE_STATES, RULE_ACTIONS, ResourceState, Rule, RuleAction, RuleOrigin } from './ast';
import { LABEL } from './legacy-parser';
import { LuaToken, lexLua } from './lua-lexer';
import { RESOURCE_SYNTAX, parseResourceRef } from './resource-ref';
import { RuleParseError, quoteToken } from './rule-parse-error';
import { TokenCursor } from './token-cursor';

/** A `Rules.disable("label")` statement: it removes a rule from the composed set (see composeRules). */
export interface RuleDisable {
  readonly label: string;
  readonly origin: RuleOrigin;
}

export interface LuaRules {
  readonly rules: readonly Rule[];
  readonly disables: readonly RuleDisable[];
}

/** The whole of what keel reads in a `--Lua Rules` section; said in every "unsupported" error. */
export const LUA_SUBSET =
  'Rules = Rules + { label=if_then("resource","state",Action.act), _group="..." }, Rules.disable("label") and -- comments';

const IF_THEN = 'if_then("resource","state",Action.act)';
const STATE_STRINGS = `a string holding a state (${RESOURCE_STATES.map((s) => `"${s}"`).join(', ')})`;
const ACTION_NAMES = `an action (${RULE_ACTIONS.map((a) => `Action.${a}`).join(', ')})`;

const isState = (w: string): w is ResourceState => (RESOURCE_STATES as readonly string[]).includes(w);
const isAction = (w: string): w is RuleAction => (RULE_ACTIONS as readonly string[]).includes(w);

/**
 * Parses a `--Lua Rules` section. There is no Lua VM: SafeKit's Lua API is undocumented beyond two
 * statements (reference §5.19.3), so keel reads exactly those and refuses everything else by name
 * rather than run code whose meaning it would have to guess. `if_then(r, s, Action.a)` is the rule
 * `label: if (r == s) then a();`. The first line `--Lua Rules` is an ordinary comment here.
 */
export function parseLuaRules(text: string, section = 'rules'): LuaRules {
  return new LuaParser(lexLua(text), section).section();
}

class LuaParser extends TokenCursor<LuaToken> {
  private readonly rules: Rule[] = [];

  private readonly disables: RuleDisable[] = [];

  constructor(
    tokens: readonly LuaToken[],
    private readonly sectionName: string,
  ) {
    super(tokens);
  }

  section(): LuaRules {
    while (this.peek().kind !== 'eof') {
      this.statement();
      if (this.isPunct(';')) this.next();
    }
    return { rules: this.rules, disables: this.disables };
  }

  private statement(): void {
    this.head('Rules');
    if (this.isPunct('.')) {
      this.next();
      this.head('disable');
      this.punct('(');
      const label = this.peek();
      if (label.kind !== 'string' || label.value === '') this.fail(label, 'a string holding a rule label');
      this.next();
      this.punct(')');
      this.disables.push({ label: label.value, origin: this.origin(label) });
      return;
    }
    this.head('=');
    this.head('Rules');
    this.head('+');
    this.table();
  }

  private table(): void {
    this.punct('{');
    while (!this.isPunct('}')) {
      this.field();
      if (this.isPunct(',') || this.isPunct(';')) {
        this.next();
      } else if (!this.isPunct('}')) {
        this.fail(this.peek(), `',' or '}'`);
      }
    }
    this.next();
  }

  private field(): void {
    // `label=` or Lua's `["label"]=`, which lets a label hold dots and dashes.
    let key = this.peek();
    if (this.isPunct('[')) {
      this.next();
      key = this.peek();
      if (key.kind !== 'string') this.fail(key, 'a string holding a rule label');
      this.next();
      this.punct(']');
    } else if (key.kind === 'name') {
      this.next();
    } else {
      this.fail(key, `a rule entry (label=${IF_THEN}) or _group="..."`);
    }
    const label = key.value;
    this.punct('=');
    if (label === '_group') {
      // Grouping is recorded by SafeKit for its own bookkeeping; it does not change what a rule does.
      const g = this.peek();
      if (g.kind !== 'string') this.fail(g, 'a string');
      this.next();
      return;
    }
    if (!LABEL.test(label)) this.fail(key, 'a rule label');
    this.rules.push(this.ifThen(label, key));
  }

  private ifThen(label: string, at: LuaToken): Rule {
    const call = this.peek();
    if (call.kind !== 'name' || call.value !== 'if_then') this.fail(call, IF_THEN);
    this.next();
    this.punct('(');
    const res = this.peek();
    if (res.kind !== 'string') this.fail(res, `a string holding ${RESOURCE_SYNTAX}`);
    const ref = parseResourceRef(res.value);
    if (ref === undefined) this.fail(res, `a string holding ${RESOURCE_SYNTAX}`);
    this.next();
    this.punct(',');
    const st = this.peek();
    if (st.kind !== 'string' || !isState(st.value)) this.fail(st, STATE_STRINGS);
    const state = st.value as ResourceState;
    this.next();
    this.punct(',');
    this.head('Action', ACTION_NAMES);
    this.punct('.', ACTION_NAMES);
    const act = this.peek();
    if (act.kind !== 'name' || !isAction(act.value)) this.fail(act, ACTION_NAMES);
    const action = act.value as RuleAction;
    this.next();
    this.punct(')');
    return {
      label,
      condition: { kind: 'compare', op: '==', left: ref, right: { kind: 'state', state } },
      then: { kind: 'action', action },
      origin: this.origin(at),
    };
  }

  /** A token of a statement's fixed frame: a mismatch means the statement is not one keel reads. */
  private head(text: string, expected?: string): void {
    const t = this.peek();
    if (t.kind === 'string' || t.text !== text || t.kind === 'bad') {
      if (expected !== undefined) this.fail(t, expected);
      this.unsupported(t);
    }
    this.next();
  }

  private unsupported(t: LuaToken): never {
    if (t.problem !== undefined) this.fail(t, 'a supported Lua statement');
    throw new RuleParseError(
      this.sectionName,
      t.line,
      t.column,
      'a supported Lua statement',
      quoteToken(t.kind === 'eof' ? undefined : t.text),
      `unsupported Lua at ${quoteToken(t.kind === 'eof' ? undefined : t.text)}: keel reads only ${LUA_SUBSET}`,
    );
  }

  private origin(t: LuaToken): RuleOrigin {
    return { section: this.sectionName, line: t.line, column: t.column };
  }

  protected fail(t: LuaToken, expected: string): never {
    const found = quoteToken(t.kind === 'eof' ? undefined : t.text);
    if (t.problem !== undefined)
      throw new RuleParseError(this.sectionName, t.line, t.column, expected, found, t.problem);
    throw new RuleParseError(this.sectionName, t.line, t.column, expected, found);
  }
}
