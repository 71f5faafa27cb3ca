import { composeRules, RuleParseError } from '@keel/engine';
import { IssueSink } from '../errors';
import { moduleRuleSources } from '../generated/rules';
import { ModuleConfig } from '../model/module';

/**
 * Parses the module's rules as the module engine will (built-in texts, then each `<failover>`
 * section), so confcheck reports a rule syntax error at its line in userconfig.xml rather than
 * the module failing at start.
 */
export function checkFailoverRules(m: ModuleConfig, sink: IssueSink): void {
  try {
    composeRules(moduleRuleSources(m));
  } catch (e) {
    if (!(e instanceof RuleParseError)) throw e;
    const index = Number(/^section (\d+)$/.exec(e.section)?.[1] ?? 0) - 1;
    const section = m.failover.sections[index];
    const where = section
      ? { line: section.line + e.line - 1, column: e.line === 1 ? section.column + e.column - 1 : e.column }
      : { line: m.failover.loc.line, column: m.failover.loc.column };
    const detail = e.message.replace(/^line \d+, column \d+: /, '');
    sink.add({ ...m.failover.loc, ...where }, `failover rule: ${detail}`);
  }
}
