// @keel/native: hand-written facade over the napi-rs addon built from native/.
export {
  allocateBuckets,
  bucketBitmap,
  bucketCounts,
  BUCKET_COUNT,
  type BucketOwners,
  type FarmNode,
} from './buckets';
export {
  BUCKET_ERROR_CODES,
  BucketAllocationError,
  NativeAddonMissingError,
  type BucketErrorCode,
} from './errors';
