// The clock the lease keeper runs on when its deadlines go to keel-rfsd: CLOCK_MONOTONIC in
// milliseconds (Node's hrtime reads that clock on Linux), the clock the daemon's deadline is
// written in. It keeps running while a process is stopped (SIGSTOP), so a thawed holder sees its
// deadline passed; it does not count a suspended machine (keel-rfsd also counts that, 0019).

/** CLOCK_MONOTONIC now, in milliseconds (fractional). */
export function monotonicNowMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
