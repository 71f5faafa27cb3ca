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
