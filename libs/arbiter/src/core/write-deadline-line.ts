// What keel-rfsd reads on its control pipe (stdin, when started with --write-deadline-stdin) to
// move a primary's write deadline: `deadline <ns>`, an absolute CLOCK_MONOTONIC time in
// nanoseconds (docs/decisions/0019). Absolute, so a line that waits in the pipe can only leave the
// daemon less time, never more. The keeper's times must then be CLOCK_MONOTONIC milliseconds
// (adapters/monotonic-clock.ts), not performance.now(), whose origin is the process's start.

/** The control line for a write deadline in monotonic milliseconds (a past time closes writes). */
export function writeDeadlineLine(deadlineMs: number): string {
  if (!Number.isFinite(deadlineMs))
    throw new RangeError(`write deadline must be a finite time, not ${deadlineMs}`);
  // Rounded down: the daemon never gets a moment more than the keeper allowed.
  const ms = BigInt(Math.max(0, Math.floor(deadlineMs)));
  return `deadline ${ms * 1_000_000n}\n`;
}
