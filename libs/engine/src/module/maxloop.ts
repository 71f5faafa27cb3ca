/**
 * The maxloop counter (reference §5.3): automatic actions (those with an identity) within
 * `loop_interval`. Above `maxloop` the module must stop. An administrative command resets it;
 * loop_interval 0 disables it.
 */
export interface LoopCounter {
  readonly count: number;
  /** When the current window opened (ms). */
  readonly since: number;
}

export const freshLoop = (now: number): LoopCounter => ({ count: 0, since: now });

export function countAutomaticAction(
  c: LoopCounter,
  now: number,
  limits: { readonly maxloop: number; readonly loopIntervalMs: number },
): { readonly counter: LoopCounter; readonly exceeded: boolean } {
  if (limits.loopIntervalMs === 0) return { counter: c, exceeded: false };
  const current = now - c.since >= limits.loopIntervalMs ? freshLoop(now) : c;
  const counter = { count: current.count + 1, since: current.since };
  return { counter, exceeded: counter.count > limits.maxloop };
}
