import { Effect, Window } from './effects';
import { ScriptCall, scriptArgs } from './script-plan';
import { ModuleState, Readiness, ScriptAction } from './states';

/** One step of a transition; steps run strictly in order, a script step waits for its completion. */
export type Step =
  | { readonly kind: 'script'; readonly name: string; readonly args: readonly string[] }
  | { readonly kind: 'emit'; readonly effect: Effect }
  | { readonly kind: 'enter'; readonly state: ModuleState; readonly readiness: Readiness }
  | { readonly kind: 'awaitReplication' }
  /** Contend for the arbiter's lease (an `acquire` effect) and wait until it is held. */
  | { readonly kind: 'awaitLease' }
  /** The lease is held: the facts of a node that becomes primary (its data now leads). */
  | { readonly kind: 'tookPrimary'; readonly from: ModuleState; readonly to: ModuleState };

/** A transition under way: what is left to do and whether it waits for the outside world. */
export interface Job {
  readonly steps: readonly Step[];
  readonly waiting: 'script' | 'replication' | 'lease' | undefined;
  /** The token of the script, or of the lease acquisition, being waited for. */
  readonly token?: number;
  /** When the wait for the lease began. */
  readonly leaseSince?: number;
  /**
   * A primary handing its role over (swap): while it resynchronises as secondary, the peer shows
   * SECOND on its way to PRIM, which is no orphaned reintegration.
   */
  readonly handover?: boolean;
}

const WINDOW_OF: Record<string, Window> = {
  start_prim: 'prim',
  stop_prim: 'prim',
  start_second: 'second',
  stop_second: 'second',
  start_sec: 'sec',
  stop_sec: 'sec',
  start_both: 'both',
  stop_both: 'both',
  prestart: 'pre',
  poststop: 'pre',
};

/**
 * Turns a script plan into steps. Checker and errd windows open after `start_x` (and `prestart`)
 * and close before the graceful `stop_x` (and `poststop`); they move even when the module has no
 * `<user>` and so runs no script.
 */
export function scriptSteps(
  plan: readonly ScriptCall[],
  from: ModuleState,
  to: ModuleState,
  action: ScriptAction,
  runScripts: boolean,
  /** After the usual arguments (a restart's `-Services "S1, S2"`). */
  extra: readonly string[] = [],
): Step[] {
  const steps: Step[] = [];
  for (const c of plan) {
    const window = WINDOW_OF[c.name];
    const closes = window !== undefined && !c.force && (c.name.startsWith('stop_') || c.name === 'poststop');
    const opens = window !== undefined && (c.name.startsWith('start_') || c.name === 'prestart');
    if (closes) steps.push({ kind: 'emit', effect: { kind: 'window', window, open: false } });
    if (runScripts)
      steps.push({ kind: 'script', name: c.name, args: [...scriptArgs(c, from, to, action), ...extra] });
    if (opens) steps.push({ kind: 'emit', effect: { kind: 'window', window, open: true } });
  }
  return steps;
}

export const emit = (effect: Effect): Step => ({ kind: 'emit', effect });
export const enter = (state: ModuleState, readiness: Readiness): Step => ({
  kind: 'enter',
  state,
  readiness,
});
