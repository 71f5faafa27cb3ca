// Refused input must surface as BucketAllocationError with the core's stable code, because
// callers (config validation, the CLI) branch on `code` to report the right problem.
import { types } from 'node:util';
import { allocateBuckets, BucketAllocationError, bucketBitmap, type BucketErrorCode } from '../src';

function codeOf(run: () => unknown): BucketErrorCode {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(BucketAllocationError);
    expect((err as Error).name).toBe('BucketAllocationError');
    return (err as BucketAllocationError).code;
  }
  throw new Error('expected the call to throw');
}

describe('native input errors', () => {
  it('maps a duplicate node id to DUPLICATE_NODE and names the id', () => {
    const run = () =>
      allocateBuckets([
        { id: 'web', power: 1 },
        { id: 'web', power: 2 },
      ]);
    expect(codeOf(run)).toBe('DUPLICATE_NODE');
    expect(run).toThrow(/"web"/);
  });

  it('maps an empty node id to EMPTY_ID', () => {
    expect(codeOf(() => allocateBuckets([{ id: '', power: 1 }]))).toBe('EMPTY_ID');
  });

  it('maps a previous table that is not 256 long to BAD_PREVIOUS', () => {
    expect(codeOf(() => allocateBuckets([{ id: 'a', power: 1 }], ['a']))).toBe('BAD_PREVIOUS');
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 32])('maps power %p to BAD_POWER', (power) => {
    expect(codeOf(() => allocateBuckets([{ id: 'a', power }]))).toBe('BAD_POWER');
  });

  it('maps an owner table that is not 256 long to BAD_OWNERS', () => {
    expect(codeOf(() => bucketBitmap(['a'], 'a'))).toBe('BAD_OWNERS');
  });

  it('keeps the native error as the cause', () => {
    try {
      allocateBuckets([{ id: '', power: 1 }]);
    } catch (err) {
      // The addon's errors come from the main realm, so `instanceof Error` would fail under jest.
      expect(types.isNativeError((err as Error).cause)).toBe(true);
      expect((err as { cause: { code: string } }).cause.code).toBe('EMPTY_ID');
      return;
    }
    throw new Error('expected the call to throw');
  });

  it('lets errors that are not refused input (wrong JS types) through unchanged', () => {
    const notAString = 42 as unknown as string;
    try {
      allocateBuckets([{ id: notAString, power: 1 }]);
    } catch (err) {
      expect(types.isNativeError(err)).toBe(true);
      expect(err).not.toBeInstanceOf(BucketAllocationError);
      return;
    }
    throw new Error('expected the call to throw');
  });
});
