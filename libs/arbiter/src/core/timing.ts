// The times of the lease arbiter and the one rule that makes it safe (docs/decisions/0019):
// a holder's write deadline, measured on its own clock from the moment BEFORE it sent the request
// that the store granted, ends before the store can expire the lease on the store's clock:
//
//   deadline = sentAt + ttl - margin,   margin = drift allowance + fenceMs
//
// The store counts the TTL from when it handled the request (later than sentAt), so its expiry is
// at least sentAt + ttl in real time, less what its clock runs fast; the holder's deadline is at
// most sentAt + ttl - margin in real time, plus what the holder's clock runs slow. Both rates are
// within MAX_CLOCK_RATE_ERROR of real time, so a margin of 2 x that x ttl covers them; fenceMs
// covers what must be stopped at the deadline besides the replicated directory (keel-rfsd refuses
// writes by itself at the deadline; the VIP and the application go within fenceMs of it).

/** The most any clock involved (holder, store) runs fast or slow: 0.1 %, ten times NTP's bound. */
export const MAX_CLOCK_RATE_ERROR = 0.001;

/** etcd refuses to keep a lease shorter than its election timeout allows (2 s with defaults). */
export const MIN_TTL_MS = 2_000;

export interface LeaseTiming {
  /** The lease's time to live, asked of the store. */
  readonly ttlMs: number;
  /** A holder renews this often (from the start of the previous renewal). */
  readonly renewEveryMs: number;
  /** After a failed attempt (to acquire or renew), the next one comes this much later. */
  readonly retryEveryMs: number;
  /** An attempt not answered within this time is given up (and its late answer ignored). */
  readonly requestTimeoutMs: number;
  /** Time to withdraw the VIP and kill the application once the write deadline passed. */
  readonly fenceMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = {
  ttlMs: 10_000,
  renewEveryMs: 2_000,
  retryEveryMs: 500,
  requestTimeoutMs: 1_500,
  fenceMs: 1_000,
};

/** What is taken off the TTL for a holder's write deadline: the clocks' drift and the fence. */
export function writeMarginMs(timing: LeaseTiming): number {
  return Math.ceil(timing.ttlMs * 2 * MAX_CLOCK_RATE_ERROR) + timing.fenceMs;
}

/** A timing that cannot keep the rule above, or cannot let a holder renew before its deadline. */
export class LeaseTimingError extends Error {
  override readonly name = 'LeaseTimingError';
  constructor(
    readonly field: keyof LeaseTiming,
    problem: string,
  ) {
    super(`lease timing ${field}: ${problem}`);
  }
}

/** Returns the timing if it is usable, else throws LeaseTimingError naming the field. */
export function checkLeaseTiming(timing: LeaseTiming): LeaseTiming {
  const whole = (field: keyof LeaseTiming, min: number) => {
    const v = timing[field];
    if (!Number.isSafeInteger(v) || v < min) {
      throw new LeaseTimingError(
        field,
        `must be a whole number of milliseconds of at least ${min}, not ${v}`,
      );
    }
  };
  whole('ttlMs', MIN_TTL_MS);
  whole('renewEveryMs', 1);
  whole('retryEveryMs', 1);
  whole('requestTimeoutMs', 1);
  whole('fenceMs', 0);
  const window = timing.ttlMs - writeMarginMs(timing);
  // One renewal that times out must still leave time for another before the deadline.
  if (
    timing.renewEveryMs + timing.requestTimeoutMs + timing.retryEveryMs + timing.requestTimeoutMs >
    window
  ) {
    throw new LeaseTimingError(
      'renewEveryMs',
      `a renewal every ${timing.renewEveryMs} ms that times out after ${timing.requestTimeoutMs} ms and is retried ` +
        `after ${timing.retryEveryMs} ms must still end before the write deadline, ${window} ms after a renewal ` +
        `(ttl ${timing.ttlMs} ms less the margin ${writeMarginMs(timing)} ms)`,
    );
  }
  return timing;
}

/**
 * The timing keel runs a module's lease with, from its `<arbiter ttl fence>` (docs/decisions/0019):
 * renew five times per TTL, give a request up after a quarter of it (1.5 s at most) and retry after
 * a twentieth (0.5 s at most). A TTL of 10 s gives DEFAULT_LEASE_TIMING. Not checked here: pass it
 * to checkLeaseTiming.
 */
export function leaseTimingFor(ttlMs: number, fenceMs: number): LeaseTiming {
  return {
    ttlMs,
    fenceMs,
    renewEveryMs: Math.max(1, Math.floor(ttlMs / 5)),
    requestTimeoutMs: Math.max(1, Math.min(1_500, Math.floor(ttlMs / 4))),
    retryEveryMs: Math.max(1, Math.min(500, Math.floor(ttlMs / 20))),
  };
}

/**
 * How long after a node started contending it may still acquire the lease and be sure its peer did
 * not renew meanwhile: a holder that stopped renewing at that moment loses the lease in the store
 * within the TTL, and the contender's next attempt (after a retry, or after one in flight timed
 * out) is answered within a request timeout. A lease acquired later may have been renewed by the
 * peer after it was last heard of: the peer may have written alone meanwhile.
 */
export function leaseTakeoverBoundMs(timing: LeaseTiming): number {
  return timing.ttlMs + timing.retryEveryMs + 2 * timing.requestTimeoutMs;
}
