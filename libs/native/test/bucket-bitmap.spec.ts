// The bitmap is what operators compare with SafeKit's diagnostics, so its bit order is pinned here.
import { allocateBuckets, BUCKET_COUNT, bucketBitmap } from '../src';

const only = (buckets: number[]) =>
  Array.from({ length: BUCKET_COUNT }, (_, b) => (buckets.includes(b) ? 'x' : null));

describe('bucketBitmap', () => {
  it('renders the upper half of two equal nodes as the last four groups', () => {
    const owners = allocateBuckets([
      { id: 'a', power: 1 },
      { id: 'b', power: 1 },
    ]);
    expect(bucketBitmap(owners, 'b')).toBe(
      '00000000:00000000:00000000:00000000:ffffffff:ffffffff:ffffffff:ffffffff',
    );
    expect(bucketBitmap(owners, 'a')).toBe(
      'ffffffff:ffffffff:ffffffff:ffffffff:00000000:00000000:00000000:00000000',
    );
  });

  it('puts bucket 32g+i at bit i of group g, least significant bit first', () => {
    expect(bucketBitmap(only([0, 33, 255]), 'x')).toBe(
      '00000001:00000002:00000000:00000000:00000000:00000000:00000000:80000000',
    );
  });

  it('renders all zeros for a node that owns nothing', () => {
    expect(bucketBitmap(only([1, 2, 3]), 'y')).toBe(Array(8).fill('00000000').join(':'));
  });
});
