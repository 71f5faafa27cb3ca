// Time as a port: admin's parts read the time and set timers only through it, so tests drive
// them with a clock of their own; the automaton itself takes `now` as an input.

export interface Timer {
  /** Idempotent; a timer that already ran is unaffected. */
  cancel(): void;
}

export interface Clock {
  /**
   * Wall-clock milliseconds since the epoch: module log lines, state.json's savedAt against the
   * machine's boot time, and maxloop's windows across reboots all need wall time.
   */
  now(): number;
  /** Runs `fn` once, `ms` from now. The timer does not keep admin alive by itself. */
  setTimer(ms: number, fn: () => void): Timer;
}

export const CLOCK = Symbol.for('keel.admin.clock');
