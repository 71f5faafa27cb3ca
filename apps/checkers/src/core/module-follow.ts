// A module checker's reading of the module it follows (pure; reference §5.17): available when
// that module serves (ALONE or PRIM, or UP for a farm, and Ready), and "restarted" when it comes
// back after having stopped serving while the follower kept running. A follower that its rules
// already put in WAIT for the outage is woken by the rules (Implicit_wakeup), not restarted:
// SafeKit tells "started again" (wakeup) from "restarted" (stopstart) the same way (§8.4 case 54).

export interface FollowedModule {
  readonly ready: boolean;
  /** It left availability since it was last seen available. */
  readonly wasDown: boolean;
  /** This reading is its return after an outage the follower did not wait out. */
  readonly restarted: boolean;
}

const SERVING = new Set(['ALONE', 'PRIM', 'UP']);

/** Whether a module in this state serves (its web service's ready.txt answers 200). */
export const serving = (state: string, readiness: string): boolean =>
  SERVING.has(state) && readiness === 'Ready';

export function followModule(
  before: FollowedModule | undefined,
  ready: boolean,
  followerWaiting: boolean,
): FollowedModule {
  if (!ready) return { ready, wasDown: before !== undefined, restarted: false };
  const restarted = before !== undefined && before.wasDown && !followerWaiting;
  return { ready, wasDown: false, restarted };
}
