// Drives a failover machine through a list of ticks and prints what it did, so each scenario
// reads as "resources over time" in, "effects at times" out. The clock is data: no timers.
import { FailoverEffect, FailoverState, RuleSource, composeRules, createFailoverMachine } from '../../src';

export interface Tick {
  readonly now: number;
  /** Merged into the resources of the previous tick (sticky), so a tick only says what changed. */
  readonly local?: Record<string, string>;
  readonly remote?: Record<string, string>;
  /** Sticky like the resources. */
  readonly cluster?: string;
  /** Overrides the simulated module (see below) for this tick. */
  readonly waiting?: boolean;
  /** Sticky like the resources: stays as last said. */
  readonly enabled?: boolean;
  /** The module restarted before this tick: the caller starts over from the initial state. */
  readonly reset?: boolean;
}

export interface Scenario {
  readonly rules: string | readonly RuleSource[];
  readonly period?: number;
  readonly handleTime?: number;
  readonly ticks: readonly Tick[];
  /** Effect kinds to print; default: action, wakeup, assign. */
  readonly show?: readonly FailoverEffect['kind'][];
}

export function describeEffect(e: FailoverEffect): string {
  switch (e.kind) {
    case 'action':
      return `${e.action}(${e.rule})`;
    case 'wakeup':
      return `wakeup(${e.rule})`;
    case 'assign':
      return `${e.resource}=${e.value}(${e.rule})`;
    case 'gate':
      return e.hold ? `gate hold ${e.resources.join(',')}` : 'gate open';
    case 'log':
      return `log ${e.text}`;
  }
}

/**
 * Runs the scenario. The module is simulated the way the module engine is meant to behave: a
 * `wait` action puts it in WAIT (NotReady), a wakeup takes it out (unless a tick forces `waiting`).
 */
export function run(s: Scenario): { lines: string[]; states: FailoverState[] } {
  const sources = typeof s.rules === 'string' ? [{ source: s.rules }] : s.rules;
  const machine = createFailoverMachine({
    rules: composeRules(sources).rules,
    period: s.period ?? 5000,
    handleTime: s.handleTime ?? 15000,
  });
  const show = new Set(s.show ?? ['action', 'wakeup', 'assign']);
  let state = machine.initial();
  let local: Record<string, string> = {};
  let remote: Record<string, string> = {};
  let waiting = false;
  let enabled = true;
  let cluster: string | undefined;
  const lines: string[] = [];
  const states: FailoverState[] = [];
  for (const t of s.ticks) {
    if (t.reset) {
      state = machine.initial();
      waiting = false;
    }
    local = { ...local, ...t.local };
    remote = { ...remote, ...t.remote };
    if (t.waiting !== undefined) waiting = t.waiting;
    if (t.enabled !== undefined) enabled = t.enabled;
    if (t.cluster !== undefined) cluster = t.cluster;
    const out = machine.step(state, {
      now: t.now,
      local,
      remote,
      moduleWaiting: waiting,
      ...(cluster === undefined ? {} : { cluster }),
      enabled,
    });
    state = out.state;
    states.push(state);
    for (const e of out.effects) {
      if (e.kind === 'action' && e.action === 'wait') waiting = true;
      if (e.kind === 'wakeup') waiting = false;
      if (show.has(e.kind)) lines.push(`${t.now} ${describeEffect(e)}`);
    }
  }
  return { lines, states };
}

/** Ticks every `every` ms from `from` to `to` inclusive; the first carries `change`. */
export function ticks(from: number, to: number, change: Omit<Tick, 'now'> = {}, every = 5000): Tick[] {
  const out: Tick[] = [];
  for (let now = from; now <= to; now += every) out.push(now === from ? { now, ...change } : { now });
  return out;
}
