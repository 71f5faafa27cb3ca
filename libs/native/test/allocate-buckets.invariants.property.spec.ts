// Property: for any node set (big power spreads included) and any previous table, every bucket
// has exactly one eligible owner and the counts are the Sainte-Laguë quotas of the oracle.
import fc from 'fast-check';
import { allocateBuckets, BUCKET_COUNT, bucketCounts } from '../src';
import { nodeSet, widePower } from './support/arbitraries';
import { eligibleIds, referenceQuotas } from './support/oracle';

const previousTable = fc.array(fc.option(fc.stringMatching(/^[a-f][0-9]{0,2}$/), { nil: null }), {
  minLength: BUCKET_COUNT,
  maxLength: BUCKET_COUNT,
});

describe('allocateBuckets invariants', () => {
  it('gives each bucket one eligible owner, with counts equal to the reference quotas', () => {
    fc.assert(
      fc.property(nodeSet(widePower, 10), fc.option(previousTable, { nil: null }), (nodes, previous) => {
        const owners = allocateBuckets(nodes, previous);
        const eligible = eligibleIds(nodes);
        expect(owners).toHaveLength(BUCKET_COUNT);
        if (eligible.size === 0) {
          expect(owners.every((o) => o === null)).toBe(true);
          return;
        }
        expect(owners.every((o) => o !== null && eligible.has(o))).toBe(true);
        expect(bucketCounts(owners)).toEqual(referenceQuotas(nodes));
      }),
    );
  });

  it('splits equal powers with counts differing by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1000 }), (n, power) => {
        const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${String(i).padStart(2, '0')}`, power }));
        const counts = [...bucketCounts(allocateBuckets(nodes)).values()];
        expect(counts).toHaveLength(n);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
