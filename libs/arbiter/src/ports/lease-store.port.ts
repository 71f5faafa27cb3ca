// The consensus store the lease lives in: etcd in production (adapters/etcd-lease-store.ts), an
// in-memory twin in tests (adapters/memory-lease-store.ts). The store must be linearizable: once
// a lease expired or was revoked there, no answer says otherwise, and a key is created for one
// lease at most.
import type { LeaseId } from '../core/lease-keeper';

export type AcquireAnswer =
  /** The key was free and is now bound to `lease`, granted for `ttlMs` from when the store got it. */
  | { readonly kind: 'acquired'; readonly lease: LeaseId; readonly ttlMs: number }
  /** The key is bound to another lease; `holder` is the value its holder wrote (a node name). */
  | { readonly kind: 'held'; readonly holder: string; readonly lease: LeaseId };

export type RenewAnswer =
  /** The lease lives another `ttlMs` from when the store got the request, and holds the key. */
  | { readonly kind: 'renewed'; readonly ttlMs: number }
  /** The store does not know the lease any more. */
  | { readonly kind: 'expired' }
  /** The lease lives but the key is gone or bound to another lease. */
  | { readonly kind: 'taken'; readonly holder: string | undefined };

export interface KeyHolder {
  readonly holder: string;
  readonly lease: LeaseId;
}

export interface LeaseStore {
  /** Binds `key` (value `holder`) to a new lease of `ttlMs` if the key does not exist. */
  acquire(key: string, holder: string, ttlMs: number, signal: AbortSignal): Promise<AcquireAnswer>;
  /** Keeps `lease` alive, then checks that `key` is still bound to it. */
  renew(key: string, lease: LeaseId, signal: AbortSignal): Promise<RenewAnswer>;
  /** Revokes `lease` (its keys go with it); a lease already gone is no error. */
  release(lease: LeaseId, signal: AbortSignal): Promise<void>;
  /** Who holds `key`, if anyone. */
  holder(key: string, signal: AbortSignal): Promise<KeyHolder | undefined>;
}

/** Every failure of a store names the endpoint it talked to. */
export abstract class LeaseStoreError extends Error {
  constructor(
    readonly endpoint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`lease store ${endpoint}: ${message}`, options);
  }
}

/** Nothing answered: connection refused or reset, no route, the name does not resolve. */
export class LeaseStoreUnavailableError extends LeaseStoreError {
  override readonly name = 'LeaseStoreUnavailableError';
}

/** The caller's signal ended the request before an answer came. */
export class LeaseStoreTimeoutError extends LeaseStoreError {
  override readonly name = 'LeaseStoreTimeoutError';
  constructor(endpoint: string, path: string) {
    super(endpoint, `no answer to ${path} in time`);
  }
}

/** The store answered with an error of its own (etcd's code and message). */
export class LeaseStoreRefusedError extends LeaseStoreError {
  override readonly name = 'LeaseStoreRefusedError';
  constructor(
    endpoint: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(endpoint, `${path} refused (HTTP ${status}): ${detail}`);
  }
}

/** The store answered something this client does not understand. */
export class LeaseStoreProtocolError extends LeaseStoreError {
  override readonly name = 'LeaseStoreProtocolError';
}

/** The store's configuration is unusable (no endpoint, not an http(s) URL, ...). */
export class LeaseStoreConfigError extends Error {
  override readonly name = 'LeaseStoreConfigError';
}
