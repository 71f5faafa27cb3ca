import { performance } from 'node:perf_hooks';
import type { Clock, Timer } from '../ports/clock.port';

/** The real clock: performance.now() (monotonic) and Node timers that do not keep the process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(ms: number, fn: () => void): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
