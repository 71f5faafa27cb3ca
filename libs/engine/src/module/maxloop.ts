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

/** What `keel checkloop` (and `incloop` after counting) says of the counter (reference §6.6). */
export interface LoopStatus {
  /** Automatic actions counted in the current loop_interval (0 once it has run out). */
  readonly count: number;
  readonly maxloop: number;
  readonly loopIntervalMs: number;
  /** When the current window opened (ms, the engine's clock). */
  readonly since: number;
  /**
   * The count has reached maxloop within loop_interval: the next automatic action would stop the
   * module. Never with loop_interval 0, which disables the counter.
   */
  readonly reached: boolean;
}

export function loopStatus(
  c: LoopCounter,
  now: number,
  limits: { readonly maxloop: number; readonly loopIntervalMs: number },
): LoopStatus {
  const current = limits.loopIntervalMs === 0 || now - c.since >= limits.loopIntervalMs ? freshLoop(now) : c;
  return {
    count: current.count,
    maxloop: limits.maxloop,
    loopIntervalMs: limits.loopIntervalMs,
    since: current.since,
    reached: limits.loopIntervalMs > 0 && current.count >= limits.maxloop,
  };
}
