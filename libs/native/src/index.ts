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
  VIP_ERROR_CODES,
  VipNativeError,
  type BucketErrorCode,
  type VipErrorCode,
} from './errors';
export {
  addAddress,
  announce,
  announceAs,
  conflict,
  holdUnicast,
  keelAddresses,
  removeAddress,
  startResponder,
  type NodeAddress,
  type Responder,
  type UnicastHold,
  type UnicastHoldKind,
} from './vip';
