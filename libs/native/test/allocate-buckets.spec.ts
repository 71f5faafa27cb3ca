// Worked examples of allocateBuckets through the real addon: the splits operators will see.
import { allocateBuckets, BUCKET_COUNT, bucketCounts, type FarmNode } from '../src';
import { loadAddon } from '../src/addon-loader';

const countsOf = (nodes: FarmNode[]) => Object.fromEntries(bucketCounts(allocateBuckets(nodes)));

describe('allocateBuckets', () => {
  it('splits two equal nodes 128/128', () => {
    expect(
      countsOf([
        { id: 'a', power: 1 },
        { id: 'b', power: 1 },
      ]),
    ).toEqual({ a: 128, b: 128 });
  });

  it('splits three equal nodes 86/85/85, the extra bucket going to the smallest id', () => {
    const nodes = [
      { id: 'n3', power: 5 },
      { id: 'n1', power: 5 },
      { id: 'n2', power: 5 },
    ];
    expect(countsOf(nodes)).toEqual({ n1: 86, n2: 85, n3: 85 });
  });

  it('follows power ratios', () => {
    expect(
      countsOf([
        { id: 'big', power: 300 },
        { id: 'small', power: 100 },
      ]),
    ).toEqual({ big: 192, small: 64 });
  });

  it('gives nothing to a node of power 0', () => {
    expect(
      countsOf([
        { id: 'a', power: 3 },
        { id: 'idle', power: 0 },
      ]),
    ).toEqual({ a: 256 });
  });

  it('gives everything to the strongest node when powers are 64x apart (chain HA)', () => {
    expect(
      countsOf([
        { id: 'primary', power: 64 },
        { id: 'backup', power: 1 },
      ]),
    ).toEqual({ primary: 256 });
    // One below the limit the weak node still takes part, so the boundary is exactly 64x.
    expect(
      countsOf([
        { id: 'primary', power: 63 },
        { id: 'backup', power: 1 },
      ]),
    ).toEqual({ primary: 252, backup: 4 });
  });

  it('leaves every bucket unowned (null) when no node is eligible', () => {
    expect(allocateBuckets([])).toEqual(Array(BUCKET_COUNT).fill(null));
    expect(allocateBuckets([{ id: 'a', power: 0 }])).toEqual(Array(BUCKET_COUNT).fill(null));
  });

  it('returns a frozen table of exactly BUCKET_COUNT owners', () => {
    const owners = allocateBuckets([{ id: 'a', power: 1 }]);
    expect(owners).toHaveLength(BUCKET_COUNT);
    expect(Object.isFrozen(owners)).toBe(true);
  });

  it('lays out contiguous ranges in id order when there is no previous allocation', () => {
    const owners = allocateBuckets([
      { id: 'b', power: 1 },
      { id: 'a', power: 1 },
    ]);
    expect(owners.slice(0, 128).every((o) => o === 'a')).toBe(true);
    expect(owners.slice(128).every((o) => o === 'b')).toBe(true);
  });

  it('does not depend on the order of the input nodes', () => {
    const nodes = [
      { id: 'a', power: 3 },
      { id: 'b', power: 7 },
      { id: 'c', power: 7 },
      { id: 'd', power: 1 },
    ];
    expect(allocateBuckets([...nodes].reverse())).toEqual(allocateBuckets(nodes));
  });

  it('uses the same bucket count as the addon', () => {
    expect(loadAddon().BUCKET_COUNT).toBe(BUCKET_COUNT);
  });
});
