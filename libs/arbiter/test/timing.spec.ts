// The timing rule and the line keel-rfsd reads.
import {
  checkLeaseTiming,
  DEFAULT_LEASE_TIMING,
  leaseTakeoverBoundMs,
  leaseTimingFor,
  LeaseTimingError,
  MAX_CLOCK_RATE_ERROR,
  writeDeadlineLine,
  writeMarginMs,
} from '../src';

it('takes the clocks drift on both sides and the fence time off the TTL', () => {
  expect(writeMarginMs(DEFAULT_LEASE_TIMING)).toBe(10_000 * 2 * MAX_CLOCK_RATE_ERROR + 1_000);
  expect(checkLeaseTiming(DEFAULT_LEASE_TIMING)).toBe(DEFAULT_LEASE_TIMING);
});

it('refuses a timing that could not renew before the deadline, naming the field', () => {
  const slow = { ...DEFAULT_LEASE_TIMING, renewEveryMs: 8_000 };
  expect(() => checkLeaseTiming(slow)).toThrow(LeaseTimingError);
  expect(() => checkLeaseTiming(slow)).toThrow(
    /lease timing renewEveryMs: .* write deadline, 8980 ms after a renewal/,
  );
});

it('refuses TTLs etcd would not keep, and times that are not whole milliseconds', () => {
  expect(() => checkLeaseTiming({ ...DEFAULT_LEASE_TIMING, ttlMs: 1_000 })).toThrow(
    /ttlMs: .* at least 2000/,
  );
  expect(() => checkLeaseTiming({ ...DEFAULT_LEASE_TIMING, fenceMs: -1 })).toThrow(/fenceMs/);
  expect(() => checkLeaseTiming({ ...DEFAULT_LEASE_TIMING, retryEveryMs: 0.5 })).toThrow(/retryEveryMs/);
});

it('writes the deadline for keel-rfsd in monotonic nanoseconds, rounded down', () => {
  expect(writeDeadlineLine(51_131_499.9)).toBe('deadline 51131499000000\n');
  expect(writeDeadlineLine(-5)).toBe('deadline 0\n');
  expect(() => writeDeadlineLine(Number.NaN)).toThrow(RangeError);
});

it('derives the renewal, retry and request times from the TTL; 10 s gives the defaults', () => {
  expect(leaseTimingFor(10_000, 1_000)).toEqual(DEFAULT_LEASE_TIMING);
  expect(checkLeaseTiming(leaseTimingFor(4_000, 500))).toEqual({
    ttlMs: 4_000,
    fenceMs: 500,
    renewEveryMs: 800,
    requestTimeoutMs: 1_000,
    retryEveryMs: 200,
  });
  // The shortest TTL leaves no room for a whole second of fence.
  expect(() => checkLeaseTiming(leaseTimingFor(2_000, 1_000))).toThrow(/renewEveryMs/);
  expect(checkLeaseTiming(leaseTimingFor(2_000, 400)).ttlMs).toBe(2_000);
});

it('bounds the time a takeover may take: the TTL, a retry and two request timeouts', () => {
  expect(leaseTakeoverBoundMs(DEFAULT_LEASE_TIMING)).toBe(10_000 + 500 + 3_000);
});
