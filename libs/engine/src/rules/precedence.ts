import { RuleAction } from './ast';

/** What the failover machine can decide: a rule action, or leaving WAIT by `Implicit_wakeup`. */
export type FailoverDecision = RuleAction | 'wakeup';

/**
 * When true rules disagree, the strongest action wins (the reference's INFERRED order, §5.19.5):
 * an action that takes the application further down makes the weaker ones pointless. `wakeup`
 * sits with `wait`, which it undoes; the two are never candidates together (wakeup needs every
 * wait rule false).
 */
export const ACTION_PRECEDENCE: readonly RuleAction[] = ['stop', 'stopstart', 'wait', 'swap', 'restart'];

const RANK: Readonly<Record<FailoverDecision, number>> = {
  stop: 5,
  stopstart: 4,
  wait: 3,
  wakeup: 3,
  swap: 2,
  restart: 1,
};

/** Higher is stronger. */
export function decisionRank(d: FailoverDecision): number {
  return RANK[d];
}
