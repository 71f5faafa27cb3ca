// Never two writers: whatever the partitions, freezes, delays and clock rates (within
// MAX_CLOCK_RATE_ERROR), no two nodes' write windows share an instant, given a linearizable store.
import fc from 'fast-check';
import { DEFAULT_LEASE_TIMING, MAX_CLOCK_RATE_ERROR, type LeaseTiming } from '../src';
import { overlaps, simulate, type SimNode } from './support/lease-simulation';

const DURATION = 90_000;

const span = fc
  .tuple(fc.integer({ min: 0, max: DURATION }), fc.integer({ min: 1, max: 30_000 }))
  .map(([from, length]) => [from, from + length] as const);

const rate = fc.double({ min: 1 - MAX_CLOCK_RATE_ERROR, max: 1 + MAX_CLOCK_RATE_ERROR, noNaN: true });

const node: fc.Arbitrary<SimNode> = fc.record({
  rate,
  offset: fc.integer({ min: 0, max: 1_000_000 }),
  freezes: fc.array(span, { maxLength: 2 }),
  cuts: fc.array(span, { maxLength: 3 }),
});

const timing: fc.Arbitrary<LeaseTiming> = fc.constantFrom(
  DEFAULT_LEASE_TIMING,
  // No fence time at all: the margin is the clocks' drift alone, the tightest the rule allows.
  { ...DEFAULT_LEASE_TIMING, fenceMs: 0 },
  { ttlMs: 3_000, renewEveryMs: 500, retryEveryMs: 100, requestTimeoutMs: 400, fenceMs: 200 },
);

it('no two nodes ever accept writes at the same instant', async () => {
  let acquisitions = 0;
  let contested = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        timing,
        nodes: fc.array(node, { minLength: 2, maxLength: 3 }),
        storeRate: rate,
        seed: fc.integer(),
        maxDelayMs: fc.integer({ min: 0, max: 1_000 }),
      }),
      async (scenario) => {
        const result = await simulate({ ...scenario, durationMs: DURATION });
        acquisitions += result.acquisitions;
        if (new Set(result.windows.map((w) => w.node)).size > 1) contested++;
        expect(overlaps(result.windows)).toEqual([]);
      },
    ),
    { numRuns: 150 },
  );
  // The scenarios did make the lease change hands (the property is not vacuous).
  expect(acquisitions).toBeGreaterThan(150);
  expect(contested).toBeGreaterThan(0);
});

it('the check finds two writers when a clock drifts more than the margin allows', async () => {
  // node1 takes the lease, then loses the store while its clock runs 10 % slow; node2 retries
  // often. Without the fence time the margin covers 0.1 % drift only: node1 still writes when
  // the store has let node2 take over.
  const slowTiming: LeaseTiming = { ...DEFAULT_LEASE_TIMING, fenceMs: 0, retryEveryMs: 50 };
  const result = await simulate({
    timing: slowTiming,
    nodes: [
      { rate: 0.9, offset: 0, freezes: [], cuts: [[3_000, 60_000]] },
      // node2 reaches the store only once node1 holds the lease.
      { rate: 1, offset: 0, freezes: [], cuts: [[0, 2_500]] },
    ],
    storeRate: 1,
    durationMs: 30_000,
    seed: 1,
    maxDelayMs: 0,
  });
  expect(overlaps(result.windows).length).toBeGreaterThan(0);
});
