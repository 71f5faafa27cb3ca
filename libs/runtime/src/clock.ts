// Time as a port for the services that keep time themselves (heartbeat, vip): they never read
// Date or set timers directly, so tests drive them with FakeClock (@keel/testing) and the pure
// cores take `now` as an argument.
import { performance } from 'node:perf_hooks';

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

/** The token under which a service receives its Clock. */
export const CLOCK = Symbol.for('keel.clock');

/** The real clock: performance.now() (monotonic) and Node timers that do not keep the process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(ms: number, fn: () => void): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
