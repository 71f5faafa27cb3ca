// Farm bucket allocation: typed wrappers over the native core (native/crates/keel-buckets).
import { types } from 'node:util';
import { loadAddon } from './addon-loader';
import { BucketAllocationError, isBucketErrorCode } from './errors';

/** Number of buckets of a farm module. */
export const BUCKET_COUNT = 256;

/** An active farm node; `power` is a non-negative integer, 0 meaning "never owns buckets". */
export interface FarmNode {
  readonly id: string;
  readonly power: number;
}

/** Owner of each bucket by index; null only when no node is eligible. */
export type BucketOwners = readonly (string | null)[];

/**
 * Refused input becomes a BucketAllocationError; anything else (a bug) propagates unchanged.
 * `isNativeError`, not `instanceof Error`: the addon creates errors in the main realm, which is
 * not the realm of code running inside a vm context such as a jest sandbox.
 */
function mapNativeError(err: unknown): unknown {
  if (!types.isNativeError(err)) return err;
  const code: unknown = (err as { code?: unknown }).code;
  return isBucketErrorCode(code) ? new BucketAllocationError(code, err.message, { cause: err }) : err;
}

/**
 * Owner of each of the 256 buckets for the given active nodes. With `previous`, every node keeps
 * its lowest-indexed previous buckets up to its new quota and only the rest moves.
 * @throws BucketAllocationError on duplicate or empty ids, a non-integer power, or a `previous` not of length 256.
 * @throws NativeAddonMissingError when the addon has not been built.
 */
export function allocateBuckets(nodes: readonly FarmNode[], previous?: BucketOwners | null): BucketOwners {
  const addon = loadAddon();
  let owners: Array<string | undefined | null>;
  try {
    owners = addon.allocateBuckets(
      nodes.map(({ id, power }) => ({ id, power })),
      previous ? [...previous] : null,
    );
  } catch (err) {
    throw mapNativeError(err);
  }
  return Object.freeze(owners.map((owner) => owner ?? null));
}

/**
 * SafeKit-style diagnostic bitmap of the buckets `node` owns: 8 colon-separated groups of 8 hex
 * digits; group g covers buckets 32g..32g+31 and bucket 32g+i is bit i (1 << i) of that group.
 * @throws BucketAllocationError when `owners` does not have 256 entries or `node` is empty.
 */
export function bucketBitmap(owners: BucketOwners, node: string): string {
  const addon = loadAddon();
  try {
    return addon.bucketBitmap([...owners], node);
  } catch (err) {
    throw mapNativeError(err);
  }
}

/** Number of buckets per owner; nodes owning nothing are absent. Pure, no addon needed. */
export function bucketCounts(owners: BucketOwners): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const owner of owners) {
    if (owner !== null) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}
