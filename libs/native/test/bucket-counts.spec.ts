// bucketCounts is pure TypeScript: it must work without the addon and ignore unowned buckets.
import { bucketCounts } from '../src';

describe('bucketCounts', () => {
  it('counts buckets per owner and skips unowned ones', () => {
    const counts = bucketCounts(['a', null, 'b', 'a', null]);
    expect([...counts.entries()]).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('is empty when nothing is owned', () => {
    expect(bucketCounts([null, null]).size).toBe(0);
  });
});
