import { Rule, RuleOrigin } from './ast';
import { parseLegacyRules } from './legacy-parser';
import { RuleDisable, parseLuaRules } from './lua-parser';
import { RuleParseError } from './rule-parse-error';

/**
 * One block of rule text. The shape matches the configuration library's `RuleSection`
 * (`{ language, source }`) so `<failover>` sections can be passed as they are.
 */
export interface RuleSource {
  /** The rule text. */
  readonly source: string;
  /** Omitted: detected from a first line `--Lua Rules`, like the configuration library does. */
  readonly language?: 'legacy' | 'lua';
  /** Used in error messages and rule origins; default `section <n>` (1-based position in the list). */
  readonly name?: string;
  /** The rules of a locked source cannot be disabled (built-in component rules, reference §5.19.1). */
  readonly locked?: boolean;
}

export interface RuleSet {
  /** Enabled rules, in evaluation order: sources in the order given, rules in text order. */
  readonly rules: readonly Rule[];
  /** Labels removed by `Rules.disable`, for display. */
  readonly disabled: readonly string[];
}

const LUA_MARK = /^\s*--Lua Rules/;

export function detectRuleLanguage(text: string): 'legacy' | 'lua' {
  return LUA_MARK.test(text) ? 'lua' : 'legacy';
}

export function parseRuleSource(
  src: RuleSource,
  name = src.name ?? 'rules',
): { rules: readonly Rule[]; disables: readonly RuleDisable[] } {
  const language = src.language ?? detectRuleLanguage(src.source);
  return language === 'lua'
    ? parseLuaRules(src.source, name)
    : { rules: parseLegacyRules(src.source, name), disables: [] };
}

const where = (o: RuleOrigin): string => `'${o.section}' at line ${o.line}, column ${o.column}`;

/**
 * Builds the rule set a module runs: typically the built-in texts, then the `<failover>` sections
 * (with `extends="no"` the caller leaves the default rules out). Labels must be unique across every
 * rule written, disabled or not: a log line names a rule by its label, so a label must stand for
 * one text. `Rules.disable` applies to the whole composed set whatever the order of the sections,
 * and must name a rule that exists (a typo would otherwise silently leave the rule on).
 */
export function composeRules(sources: readonly RuleSource[]): RuleSet {
  const all: { rule: Rule; locked: boolean }[] = [];
  const disables: RuleDisable[] = [];
  const byLabel = new Map<string, { rule: Rule; locked: boolean }>();
  sources.forEach((src, i) => {
    const parsed = parseRuleSource(src, src.name ?? `section ${i + 1}`);
    for (const rule of parsed.rules) {
      const first = byLabel.get(rule.label);
      if (first !== undefined) {
        const o = rule.origin;
        throw new RuleParseError(
          o.section,
          o.line,
          o.column,
          'a unique rule label',
          `'${rule.label}'`,
          `duplicate label '${rule.label}': defined in ${where(o)} and in ${where(first.rule.origin)}`,
        );
      }
      const entry = { rule, locked: src.locked === true };
      byLabel.set(rule.label, entry);
      all.push(entry);
    }
    disables.push(...parsed.disables);
  });
  const disabled = new Set<string>();
  for (const d of disables) {
    const target = byLabel.get(d.label);
    const o = d.origin;
    if (target === undefined) {
      throw new RuleParseError(o.section, o.line, o.column, 'the label of a defined rule', `'${d.label}'`);
    }
    if (target.locked) {
      throw new RuleParseError(
        o.section,
        o.line,
        o.column,
        'the label of a rule that may be disabled',
        `'${d.label}'`,
        `rule '${d.label}' is built in (${where(target.rule.origin)}) and cannot be disabled`,
      );
    }
    disabled.add(d.label);
  }
  return {
    rules: all.filter((e) => !disabled.has(e.rule.label)).map((e) => e.rule),
    disabled: [...disabled],
  };
}
