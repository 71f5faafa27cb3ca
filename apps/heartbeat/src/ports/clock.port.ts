// Time as a port: the service never reads Date or sets timers itself, so tests drive it with
// FakeClock (adapters/fake-clock.ts) and the pure core takes `now` as an argument.

export interface Timer {
  /** Idempotent; a timer that already ran is unaffected. */
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds: unaffected by changes of the wall clock. */
  now(): number;
  /** Runs `fn` once, `ms` from now. */
  setTimer(ms: number, fn: () => void): Timer;
}

export const CLOCK = Symbol.for('keel.heartbeat.clock');
