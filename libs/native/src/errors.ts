// Named error types of the native facade. Callers branch on the class and, for refused input,
// on the stable `code` the Rust core assigns; never on message text.

/** Codes of input the allocation core refuses (see keel-buckets `BucketError::code`). */
export const BUCKET_ERROR_CODES = [
  'DUPLICATE_NODE',
  'EMPTY_ID',
  'BAD_PREVIOUS',
  'BAD_OWNERS',
  'BAD_POWER',
] as const;

export type BucketErrorCode = (typeof BUCKET_ERROR_CODES)[number];

export function isBucketErrorCode(value: unknown): value is BucketErrorCode {
  return typeof value === 'string' && (BUCKET_ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Codes of virtual IP failures (see keel-vip `VipError::code`). EXISTS: the address is on the
 * interface already; NO_INTERFACE: no interface of that name; PERMISSION: keel is not root;
 * BAD_ADDRESS: not an address (or prefix) a node can hold, or not a MAC a farm can give as its
 * virtual MAC; IO: anything else the kernel answered
 * (an interface without Ethernet among them).
 */
export const VIP_ERROR_CODES = ['EXISTS', 'NO_INTERFACE', 'PERMISSION', 'BAD_ADDRESS', 'IO'] as const;

export type VipErrorCode = (typeof VIP_ERROR_CODES)[number];

export function isVipErrorCode(value: unknown): value is VipErrorCode {
  return typeof value === 'string' && (VIP_ERROR_CODES as readonly string[]).includes(value);
}

/** The compiled addon under libs/native/addon is absent, stale or cannot be loaded. */
export class NativeAddonMissingError extends Error {
  override readonly name = 'NativeAddonMissingError';
  constructor(
    /** The module specifier that was required. */
    readonly specifier: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `keel native addon (libs/native/addon, required as ${specifier}) is unavailable: ${reason}; ` +
        'run `npm run build:native`',
      options,
    );
  }
}

/** The allocation core refused its input; `code` says why. */
export class BucketAllocationError extends Error {
  override readonly name = 'BucketAllocationError';
  constructor(
    readonly code: BucketErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A virtual IP operation failed or was refused; `code` says why, the message which address. */
export class VipNativeError extends Error {
  override readonly name = 'VipNativeError';
  constructor(
    readonly code: VipErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
