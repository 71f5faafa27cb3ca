// The lease store on etcd (3.4, Debian's etcd-server), through its v3 JSON gateway over HTTP with
// Node's fetch: no client library. Every request goes to one endpoint; one that does not answer
// (refused, unreachable, timed out) makes the next request go to the next endpoint, so a client of
// a three-member cluster follows the members that are up (any member forwards to the leader, and
// ranges are linearizable by default). Bounded by the caller's signal.
import type { z } from 'zod';
import type { LeaseId } from '../core/lease-keeper';
import {
  LeaseStoreConfigError,
  LeaseStoreProtocolError,
  LeaseStoreRefusedError,
  LeaseStoreTimeoutError,
  LeaseStoreUnavailableError,
  type AcquireAnswer,
  type KeyHolder,
  type LeaseStore,
  type RenewAnswer,
} from '../ports/lease-store.port';
import {
  b64,
  createIfAbsent,
  Empty,
  ErrorAnswer,
  GrantAnswer,
  KeepAliveAnswer,
  RangeAnswer,
  TxnAnswer,
  unb64,
} from './etcd-json';

export interface EtcdLeaseStoreOptions {
  /** Client URLs of the etcd members, e.g. http://198.18.2.1:2379. */
  readonly endpoints: readonly string[];
  /** Bound on the revocation of a lease left over by a failed acquisition. */
  readonly cleanupTimeoutMs?: number;
  /** For tests: the fetch to use (default: Node's global fetch). */
  readonly fetch?: typeof fetch;
}

/** etcd's answer that a lease does not exist (revoke and keepalive of an expired lease). */
const LEASE_NOT_FOUND = /requested lease not found/;

export class EtcdLeaseStore implements LeaseStore {
  private readonly endpoints: readonly string[];
  private current = 0;
  private readonly fetch: typeof fetch;
  private readonly cleanupTimeoutMs: number;

  constructor(options: EtcdLeaseStoreOptions) {
    if (options.endpoints.length === 0)
      throw new LeaseStoreConfigError('etcd: at least one endpoint is required');
    this.endpoints = options.endpoints.map(checkEndpoint);
    this.fetch = options.fetch ?? fetch;
    this.cleanupTimeoutMs = options.cleanupTimeoutMs ?? 1000;
  }

  /** The endpoint the next request goes to. */
  get endpoint(): string {
    return this.endpoints[this.current] ?? this.endpoints[0] ?? '';
  }

  async acquire(key: string, holder: string, ttlMs: number, signal: AbortSignal): Promise<AcquireAnswer> {
    // etcd counts TTLs in whole seconds: rounded up, and the keeper believes the smaller of what it
    // asked and what etcd says it granted.
    const grant = await this.post(
      '/v3/lease/grant',
      { TTL: String(Math.ceil(ttlMs / 1000)) },
      GrantAnswer,
      signal,
    );
    let txn: z.output<typeof TxnAnswer>;
    try {
      txn = await this.post('/v3/kv/txn', createIfAbsent(key, holder, grant.ID), TxnAnswer, signal);
    } catch (err) {
      // The key may or may not be bound to the lease now: revoke it so it cannot hold the key.
      await this.revokeQuietly(grant.ID);
      throw err;
    }
    if (txn.succeeded) return { kind: 'acquired', lease: grant.ID, ttlMs: Number(grant.TTL) * 1000 };
    await this.revokeQuietly(grant.ID);
    const kv = txn.responses?.[0]?.response_range?.kvs?.[0];
    if (!kv) {
      // The key was deleted between the compare and now? A txn is atomic: this is not etcd.
      throw new LeaseStoreProtocolError(
        this.endpoint,
        `/v3/kv/txn: the key ${key} exists but was not returned`,
      );
    }
    return { kind: 'held', holder: unb64(kv.value), lease: kv.lease ?? '0' };
  }

  async renew(key: string, lease: LeaseId, signal: AbortSignal): Promise<RenewAnswer> {
    const alive = await this.post('/v3/lease/keepalive', { ID: lease }, KeepAliveAnswer, signal);
    const ttl = Number(alive.result.TTL ?? '0');
    if (ttl <= 0) return { kind: 'expired' };
    // The lease lives; it must also still hold the key (an operator may have deleted it).
    const now = await this.holder(key, signal);
    return now?.lease === lease
      ? { kind: 'renewed', ttlMs: ttl * 1000 }
      : { kind: 'taken', holder: now?.holder };
  }

  async release(lease: LeaseId, signal: AbortSignal): Promise<void> {
    try {
      await this.post('/v3/lease/revoke', { ID: lease }, Empty, signal);
    } catch (err) {
      if (err instanceof LeaseStoreRefusedError && LEASE_NOT_FOUND.test(err.detail)) return;
      throw err;
    }
  }

  async holder(key: string, signal: AbortSignal): Promise<KeyHolder | undefined> {
    const range = await this.post('/v3/kv/range', { key: b64(key) }, RangeAnswer, signal);
    const kv = range.kvs?.[0];
    return kv ? { holder: unb64(kv.value), lease: kv.lease ?? '0' } : undefined;
  }

  private async revokeQuietly(lease: LeaseId): Promise<void> {
    try {
      await this.release(lease, AbortSignal.timeout(this.cleanupTimeoutMs));
    } catch {
      // It expires by itself; nobody renews it.
    }
  }

  private async post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    signal: AbortSignal,
  ): Promise<z.output<S>> {
    const endpoint = this.endpoint;
    let status: number;
    let text: string;
    try {
      const res = await this.fetch(`${endpoint}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      // The next request tries the next member.
      this.current = (this.current + 1) % this.endpoints.length;
      if (signal.aborted) throw new LeaseStoreTimeoutError(endpoint, path);
      throw new LeaseStoreUnavailableError(endpoint, `${path}: ${describe(err)}`, { cause: err });
    }
    // A stream (keepalive) answers one JSON object per line; one request, one answer.
    const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
    let json: unknown;
    try {
      json = JSON.parse(first);
    } catch {
      throw new LeaseStoreProtocolError(
        endpoint,
        `${path}: not JSON (HTTP ${status}): ${first.slice(0, 200)}`,
      );
    }
    const refusal = refusalOf(json);
    if (status !== 200 || refusal !== undefined) {
      // A member cut off from its quorum answers errors (no leader, timed out): try another.
      if (status >= 500) this.current = (this.current + 1) % this.endpoints.length;
      throw new LeaseStoreRefusedError(endpoint, path, status, refusal ?? first.slice(0, 200));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LeaseStoreProtocolError(
        endpoint,
        `${path}: unexpected answer (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    return parsed.data;
  }
}

/** etcd's error, as a plain body or as a stream's error message. */
function refusalOf(json: unknown): string | undefined {
  const direct = ErrorAnswer.safeParse(json);
  if (direct.success) return direct.data.message ?? direct.data.error ?? `code ${direct.data.code}`;
  if (typeof json === 'object' && json !== null && 'error' in json) {
    const e = (json as { error: unknown }).error;
    if (typeof e === 'string') return e;
    if (typeof e === 'object' && e !== null && 'message' in e)
      return String((e as { message: unknown }).message);
    return 'error';
  }
  return undefined;
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new LeaseStoreConfigError(`etcd endpoint '${endpoint}' is not a URL (expected http://host:2379)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LeaseStoreConfigError(`etcd endpoint '${endpoint}' must be http:// or https://`);
  }
  return endpoint.replace(/\/+$/, '');
}
