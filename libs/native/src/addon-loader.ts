// Lazy loading of the napi-rs addon built by `npm run build:native` into libs/native/addon.
// Nothing is loaded at import time, so code that never calls into it runs without a build.
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
  vipAddresses(): Array<{ ifindex: number; ifname: string; addr: string; prefix: number; keel: boolean }>;
  vipAddAddress(ifname: string, addr: string, prefix: number): void;
  vipRemoveAddress(ifname: string, addr: string, prefix: number): boolean;
  vipAnnounce(ifname: string, addr: string): void;
  vipConflict(ifname: string, addr: string, timeoutMs: number): Promise<string | null>;
  vipAnnounceAs(ifname: string, addr: string, mac: string): void;
  vipResponderStart(ifname: string, addresses: string[], vmac: string): { stop(): void; answered(): number };
  vipHoldUnicast(ifname: string, mac: string): { release(): void; kind(): 'unicast' | 'promiscuous' };
}

/** The module-loading primitive, injectable so the failure path is testable without a filesystem. */
export type RequireFn = (specifier: string) => unknown;

/**
 * Where the generated loader lives, relative to this file: src/ and addon/ are siblings in the
 * tree (ts-jest); the compiled file runs from dist/libs/native/src, four levels below the tree.
 */
export const ADDON_SPECIFIERS = ['../addon', '../../../../libs/native/addon'] as const;

// Every function of NativeAddon: a build from before one was added is stale, and says so here
// rather than as a TypeError at the first call.
const REQUIRED_EXPORTS = [
  'allocateBuckets',
  'bucketBitmap',
  'vipAddresses',
  'vipAddAddress',
  'vipRemoveAddress',
  'vipAnnounce',
  'vipConflict',
  'vipAnnounceAs',
  'vipResponderStart',
  'vipHoldUnicast',
] as const;

/** Returns a function that loads the addon on first call and caches it. */
export function createAddonLoader(
  requireFn: RequireFn,
  specifiers: string | readonly string[] = ADDON_SPECIFIERS,
): () => NativeAddon {
  const candidates = typeof specifiers === 'string' ? [specifiers] : specifiers;
  const specifier = candidates[0] ?? ADDON_SPECIFIERS[0];
  let addon: NativeAddon | undefined;
  return () => {
    if (addon) return addon;
    let loaded: unknown;
    let failure: unknown;
    for (const candidate of candidates) {
      try {
        loaded = requireFn(candidate);
        failure = undefined;
        break;
      } catch (cause) {
        // The first failure is the one to tell, unless a later place has a broken build.
        if (failure === undefined || (cause as { code?: string }).code !== 'MODULE_NOT_FOUND')
          failure = cause;
      }
    }
    if (failure !== undefined) {
      const detail = types.isNativeError(failure) ? failure.message.split('\n')[0] : String(failure);
      throw new NativeAddonMissingError(specifier, `cannot load: ${detail}`, { cause: failure });
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
