import type { Clock, Timer } from '../ports/clock.port';

/** The machine's wall clock and Node timers (unref'd: the bus connection keeps admin alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms: number, fn: () => void): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
