import { CheckerAction, ModuleConfig, RuleAction } from '../model/module';

/** A failover rule that keel adds by itself: a default rule or one generated from a checker. */
export interface BuiltinRule {
  readonly label: string;
  readonly origin: 'default' | 'generated';
  /** `class.id`, where id may be `?` (any resource of the class) or `*` (all of them). */
  readonly resource: string;
  readonly state: 'down' | 'up';
  readonly action: RuleAction;
  /** The rule in the legacy failover language, as SafeKit prints it. */
  readonly text: string;
}

const rule = (
  label: string,
  origin: BuiltinRule['origin'],
  resource: string,
  action: RuleAction,
  state: BuiltinRule['state'] = 'down',
): BuiltinRule => ({
  label,
  origin,
  resource,
  state,
  action,
  text: `${label}: if (${resource} == ${state}) then ${action}();`,
});

/**
 * The replication's own rule (reference §5.19.4 `degraded_server`, condition NOT FOUND; keel's in
 * docs/decisions/0009 "Degraded"): while the peer, a primary, replicates degraded (its rfs.degraded,
 * carried by the heartbeats, is up only then), this node waits in WAIT (NotReady) and its copy is
 * behind. Kept with extends="no": it belongs to <rfs>, as the checkers' rules to their checkers.
 */
export const DEGRADED_SERVER_RULE = rule('degraded_server', 'generated', 'remote.rfs.degraded', 'wait', 'up');

/** The fixed rules of the checkers without an action attribute (reference §5.19.4). */
export const DEFAULT_RULES: readonly BuiltinRule[] = [
  rule('module_failure', 'default', 'module.?', 'wait'),
  rule('interface_failure', 'default', 'intf.?', 'wait'),
  rule('ip_failure', 'default', 'ip.?', 'stopstart'),
  rule('splitbrain_failure', 'default', 'splitbrain.uptodate', 'wait'),
];

const isRuleAction = (a: CheckerAction): a is Exclude<CheckerAction, 'noaction'> => a !== 'noaction';

/**
 * The rules a module starts with before its own `<failover>` rules: the default rules (unless
 * `extends="no"` replaces them) and one rule per tcp, ping or custom checker whose action is not
 * `noaction` (`t_`, `p_`, `c_` + ident). Generated rules stay with `extends="no"`: they come from
 * the checkers' own action attribute, not from the default set.
 */
export function builtinRules(m: ModuleConfig): BuiltinRule[] {
  const generated = [
    ...m.check.tcp.map((c) => ({ prefix: 't_', cls: 'tcp', c })),
    ...m.check.ping.map((c) => ({ prefix: 'p_', cls: 'ping', c })),
    ...m.check.custom.map((c) => ({ prefix: 'c_', cls: 'custom', c })),
  ].flatMap(({ prefix, cls, c }) =>
    isRuleAction(c.action) ? [rule(`${prefix}${c.ident}`, 'generated', `${cls}.${c.ident}`, c.action)] : [],
  );
  const rfs = m.rfs ? [DEGRADED_SERVER_RULE] : [];
  return [...(m.failover.extends ? DEFAULT_RULES : []), ...rfs, ...generated];
}

/** One block of rule text in the order the module engine composes them. */
export interface ModuleRuleSource {
  readonly name: string;
  readonly language: 'legacy' | 'lua';
  readonly source: string;
}

/**
 * The rule texts a module runs: the built-in rules, then each `<failover>` section. The default
 * rules are not locked: the reference's own example disables `ip_failure` from Lua (§5.19.3).
 */
export function moduleRuleSources(m: ModuleConfig): ModuleRuleSource[] {
  const builtin = builtinRules(m)
    .map((r) => r.text)
    .join('\n');
  return [
    ...(builtin ? [{ name: 'built-in', language: 'legacy' as const, source: builtin }] : []),
    ...m.failover.sections.map((s, i) => ({
      name: `section ${i + 1}`,
      language: s.language,
      source: s.source,
    })),
  ];
}
