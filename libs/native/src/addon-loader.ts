// Lazy loading of the napi-rs addon built by `npm run build:native` into libs/native/addon.
// Nothing is loaded at import time, so code that never allocates buckets runs without a build.
import { types } from 'node:util';
import { NativeAddonMissingError } from './errors';

/** What the facade uses from the generated binding (libs/native/addon/index.d.ts). */
export interface NativeAddon {
  readonly BUCKET_COUNT: number;
  allocateBuckets(
    nodes: Array<{ id: string; power: number }>,
    previous?: Array<string | undefined | null> | null,
  ): Array<string | undefined | null>;
  bucketBitmap(owners: Array<string | undefined | null>, node: string): string;
}

/** The module-loading primitive, injectable so the failure path is testable without a filesystem. */
export type RequireFn = (specifier: string) => unknown;

/** Where the generated loader lives, relative to this file (src/ and addon/ are siblings). */
export const ADDON_SPECIFIER = '../addon';

const REQUIRED_EXPORTS = ['allocateBuckets', 'bucketBitmap'] as const;

/** Returns a function that loads the addon on first call and caches it. */
export function createAddonLoader(
  requireFn: RequireFn,
  specifier: string = ADDON_SPECIFIER,
): () => NativeAddon {
  let addon: NativeAddon | undefined;
  return () => {
    if (addon) return addon;
    let loaded: unknown;
    try {
      loaded = requireFn(specifier);
    } catch (cause) {
      const detail = types.isNativeError(cause) ? cause.message.split('\n')[0] : String(cause);
      throw new NativeAddonMissingError(specifier, `cannot load: ${detail}`, { cause });
    }
    const missing = REQUIRED_EXPORTS.filter(
      (name) => typeof (loaded as Record<string, unknown> | null)?.[name] !== 'function',
    );
    if (missing.length > 0) {
      throw new NativeAddonMissingError(specifier, `stale build, missing ${missing.join(', ')}`);
    }
    addon = loaded as NativeAddon;
    return addon;
  };
}

// A plain `require` resolves the specifier relative to this file, under ts-jest and in compiled CommonJS.
export const loadAddon = createAddonLoader((specifier) => require(specifier));
