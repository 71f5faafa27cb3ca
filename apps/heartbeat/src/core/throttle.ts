// Log throttling (pure): the first event of a kind is reported, then at most one report per
// interval carrying how many were suppressed. Hostile traffic must not flood the logs.

export interface ThrottleEntry {
  readonly lastReport: number;
  readonly suppressed: number;
}

export type ThrottleState = ReadonlyMap<string, ThrottleEntry>;

export function throttle(
  state: ThrottleState,
  key: string,
  now: number,
  intervalMs: number,
): { report: boolean; suppressed: number; state: ThrottleState } {
  const entry = state.get(key);
  const next = new Map(state);
  if (entry === undefined || now - entry.lastReport >= intervalMs) {
    next.set(key, { lastReport: now, suppressed: 0 });
    return { report: true, suppressed: entry?.suppressed ?? 0, state: next };
  }
  next.set(key, { lastReport: entry.lastReport, suppressed: entry.suppressed + 1 });
  return { report: false, suppressed: entry.suppressed + 1, state: next };
}
