// Time as a port for what the rfs service measures over time (the bandwidth resources): tests
// drive it with a clock of their own.
export interface RfsClock {
  /** Milliseconds, monotonic enough for 3-s averages. */
  now(): number;
  /** Calls `fn` every `ms` until cancelled; does not keep the process alive by itself. */
  every(ms: number, fn: () => void): { cancel(): void };
}

export const systemClock: RfsClock = {
  now: () => performance.now(),
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};
