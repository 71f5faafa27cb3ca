import { ResourceState, Rule, RuleAction, resourceName } from './ast';
import { ResourceView, evaluateCondition } from './evaluate';
import { pendingInit } from './init-gate';
import { FailoverDecision, decisionRank } from './precedence';

/** The rule name SafeKit logs when it leaves WAIT on its own (reference §5.11 step 3). */
export const IMPLICIT_WAKEUP = 'Implicit_wakeup';

export interface FailoverConfig {
  /** Enabled rules in evaluation order, normally `composeRules(...).rules`. */
  readonly rules: readonly Rule[];
  /** Milliseconds between evaluations (`<failover period>`, default 5000). */
  readonly period: number;
  /** Milliseconds a decision must hold before it is executed (`<failover handle_time>`, default 15000). */
  readonly handleTime: number;
}

export class FailoverConfigError extends Error {
  override readonly name = 'FailoverConfigError';
}

export class FailoverInputError extends Error {
  override readonly name = 'FailoverInputError';
}

/** One call of the machine: the clock and everything the rules and the wakeup read. */
export interface FailoverInput extends ResourceView {
  /** Milliseconds on a clock that never goes back (the caller's monotonic clock). */
  readonly now: number;
  /**
   * The module is in WAIT (NotReady) because of a wait action, so `Implicit_wakeup` may release it.
   * Not the WAIT (Transient) pass of a normal start: the start-up gate covers that.
   */
  readonly moduleWaiting: boolean;
  /** false: the module is not running; the machine forgets everything and evaluates nothing. Default true. */
  readonly enabled?: boolean;
}

export interface PendingDecision {
  readonly action: FailoverDecision;
  /** The rule that would be named if it fired now. */
  readonly rule: string;
  /** When this action was first chosen without interruption. */
  readonly since: number;
}

/** Plain data (no Map/Set) so it can be logged, stored or sent as JSON. */
export interface FailoverState {
  /** Earliest `now` of the next evaluation; undefined before the first one. */
  readonly nextDue: number | undefined;
  /** Labels true at the last evaluation, in rule order. */
  readonly trueRules: readonly string[];
  /** True rules already answered during their current true spell; they re-arm once false. */
  readonly latched: readonly string[];
  readonly pending: PendingDecision | undefined;
  /** Assignment rules true and not yet fired, with the time they became true. */
  readonly assignSince: readonly { readonly rule: string; readonly since: number }[];
  /** Implicit_wakeup fired and the module has not left WAIT yet. */
  readonly wakeupLatched: boolean;
  /** Result of the start-up gate at the last evaluation (see pendingInit); undefined before the first. */
  readonly gate: readonly string[] | undefined;
}

export type FailoverEffect =
  /** Run the control command with the rule as identity, e.g. `stopstart -i ip_failure` (counts for maxloop). */
  | { readonly kind: 'action'; readonly action: RuleAction; readonly rule: string }
  /** Leave WAIT (NotReady) and resume the normal start. */
  | { readonly kind: 'wakeup'; readonly rule: typeof IMPLICIT_WAKEUP }
  /** Set a local resource; the resource table logs `Resource <r> set to <v> by <rule>`. */
  | {
      readonly kind: 'assign';
      readonly resource: string;
      readonly value: ResourceState;
      readonly rule: string;
    }
  /** The start-up gate changed (always sent at the first evaluation): hold = stay in WAIT (Transient). */
  | { readonly kind: 'gate'; readonly hold: boolean; readonly resources: readonly string[] }
  /**
   * A module log line, worded as SafeKit's, about the decision that just fired. A module engine
   * that already logs wait/wakeup when it applies them filters on `decision`.
   */
  | { readonly kind: 'log'; readonly text: string; readonly decision: FailoverDecision };

export interface FailoverStep {
  readonly state: FailoverState;
  readonly effects: readonly FailoverEffect[];
  /** Whether this call was an evaluation (false: not due yet, or disabled). */
  readonly evaluated: boolean;
}

export interface FailoverMachine {
  readonly config: FailoverConfig;
  initial(): FailoverState;
  step(state: FailoverState, input: FailoverInput): FailoverStep;
}

/** The state of a machine that has never evaluated; also the state after the module restarted. */
export function initialFailoverState(): FailoverState {
  return {
    nextDue: undefined,
    trueRules: [],
    latched: [],
    pending: undefined,
    assignSince: [],
    wakeupLatched: false,
    gate: undefined,
  };
}

export function validateFailoverConfig(config: FailoverConfig): void {
  if (!Number.isFinite(config.period) || config.period <= 0) {
    throw new FailoverConfigError(`period must be a positive number of milliseconds, got ${config.period}`);
  }
  if (!Number.isFinite(config.handleTime) || config.handleTime < 0) {
    throw new FailoverConfigError(
      `handle_time must be zero or a positive number of milliseconds, got ${config.handleTime}`,
    );
  }
  const seen = new Set<string>();
  for (const r of config.rules) {
    if (seen.has(r.label))
      throw new FailoverConfigError(
        `duplicate rule label '${r.label}' (compose rule sets with composeRules)`,
      );
    seen.add(r.label);
  }
}

export function createFailoverMachine(config: FailoverConfig): FailoverMachine {
  validateFailoverConfig(config);
  return {
    config,
    initial: initialFailoverState,
    step: (state, input) => failoverStep(config, state, input),
  };
}

const actionOf = (r: Rule): RuleAction | undefined => (r.then.kind === 'action' ? r.then.action : undefined);

const sameList = (a: readonly string[], b: readonly string[] | undefined): boolean =>
  b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * One call of the failover machine (reference §5.19.5), pure: the caller supplies time and
 * resources and applies the effects. Does nothing until an evaluation is due; evaluations sit on a
 * grid of `period` anchored at the first one, so a late call does not shift the ones after it.
 *
 * At an evaluation:
 * 1. every rule is evaluated; a rule that is false loses its latch;
 * 2. the decision is the strongest action among the true action rules (ACTION_PRECEDENCE), or
 *    `wakeup` when the module waits, no wait rule is true and the start-up gate is open. It names
 *    the first rule in rule order with that action that is not latched; if all are latched, the
 *    action is already in effect and nothing weaker is considered;
 * 3. a decision fires at the first evaluation where it has been the same action for handle_time
 *    (`now - since >= handleTime`; since = first evaluation that chose it). Any other decision,
 *    or none, restarts the count;
 * 4. firing latches every true rule whose action is as strong or weaker: one action answers them;
 * 5. assignment rules fire on their own, per rule, once true for handle_time, once per true spell.
 */
export function failoverStep(
  config: FailoverConfig,
  state: FailoverState,
  input: FailoverInput,
): FailoverStep {
  if (input.enabled === false) return { state: initialFailoverState(), effects: [], evaluated: false };
  const { now } = input;
  if (!Number.isFinite(now))
    throw new FailoverInputError(`now must be a finite number of milliseconds, got ${now}`);
  if (state.nextDue !== undefined && now < state.nextDue) return { state, effects: [], evaluated: false };

  const { rules, period, handleTime } = config;
  const nextDue =
    state.nextDue === undefined
      ? now + period
      : state.nextDue + period * (Math.floor((now - state.nextDue) / period) + 1);
  const trueRules = rules.filter((r) => evaluateCondition(r.condition, input));
  const trueLabels = new Set(trueRules.map((r) => r.label));
  const latched = new Set(state.latched.filter((l) => trueLabels.has(l)));
  const anyWaitTrue = trueRules.some((r) => actionOf(r) === 'wait');
  // A wait rule true again, or the module out of WAIT, means a later wakeup is a new one.
  let wakeupLatched = state.wakeupLatched && input.moduleWaiting && !anyWaitTrue;
  const gate = pendingInit(rules, input.local);
  const effects: FailoverEffect[] = [];
  if (!sameList(gate, state.gate)) effects.push({ kind: 'gate', hold: gate.length > 0, resources: gate });

  const actionRules = trueRules.filter((r) => actionOf(r) !== undefined);
  let top: FailoverDecision | undefined;
  for (const r of actionRules) {
    const a = actionOf(r) as RuleAction;
    if (top === undefined || decisionRank(a) > decisionRank(top)) top = a;
  }
  // Gate closed: the module cannot leave WAIT before its checkers answered, so no wakeup yet.
  const wakeupWanted = input.moduleWaiting && !wakeupLatched && !anyWaitTrue && gate.length === 0;
  if (wakeupWanted && (top === undefined || decisionRank('wakeup') > decisionRank(top))) top = 'wakeup';

  let candidate: { action: FailoverDecision; rule: string } | undefined;
  if (top === 'wakeup') {
    candidate = { action: 'wakeup', rule: IMPLICIT_WAKEUP };
  } else if (top !== undefined) {
    const r = actionRules.find((x) => actionOf(x) === top && !latched.has(x.label));
    if (r !== undefined) candidate = { action: top, rule: r.label };
  }
  let pending: PendingDecision | undefined =
    candidate === undefined
      ? undefined
      : { ...candidate, since: state.pending?.action === candidate.action ? state.pending.since : now };

  if (pending !== undefined && now - pending.since >= handleTime) {
    if (pending.action === 'wakeup') {
      effects.push(
        { kind: 'wakeup', rule: IMPLICIT_WAKEUP },
        { kind: 'log', text: `Action wakeup from failover rule ${IMPLICIT_WAKEUP}`, decision: 'wakeup' },
      );
      wakeupLatched = true;
    } else {
      const fired = pending.action;
      effects.push(
        { kind: 'action', action: fired, rule: pending.rule },
        { kind: 'log', text: `Action ${fired} from failover rule ${pending.rule}`, decision: fired },
      );
      for (const r of actionRules)
        if (decisionRank(actionOf(r) as RuleAction) <= decisionRank(fired)) latched.add(r.label);
    }
    pending = undefined;
  }

  const assignSince: { rule: string; since: number }[] = [];
  for (const r of trueRules) {
    if (r.then.kind !== 'assign' || latched.has(r.label)) continue;
    const since = state.assignSince.find((a) => a.rule === r.label)?.since ?? now;
    if (now - since >= handleTime) {
      effects.push({
        kind: 'assign',
        resource: resourceName(r.then.target),
        value: r.then.value,
        rule: r.label,
      });
      latched.add(r.label);
    } else {
      assignSince.push({ rule: r.label, since });
    }
  }

  return {
    state: {
      nextDue,
      trueRules: trueRules.map((r) => r.label),
      latched: rules.filter((r) => latched.has(r.label)).map((r) => r.label),
      pending,
      assignSince,
      wakeupLatched,
      gate,
    },
    effects,
    evaluated: true,
  };
}
