// The in-memory twin of the lease store, for tests: linearizable (each request takes effect at
// one instant of the clock it is given). Each node talks to it through a client of its own whose
// path shows the faults a network and a store show: requests refused or lost (a cut), requests
// and answers delayed. An answer that comes after the caller's signal ended is lost, but its
// effect stays, as with a real store.
import type { LeaseId } from '../core/lease-keeper';
import {
  LeaseStoreTimeoutError,
  LeaseStoreUnavailableError,
  type AcquireAnswer,
  type KeyHolder,
  type LeaseStore,
  type RenewAnswer,
} from '../ports/lease-store.port';

/** Structurally @keel/runtime's Clock (and @keel/testing's FakeClock). */
export interface StoreClock {
  now(): number;
  setTimer(ms: number, fn: () => void): { cancel(): void };
}

/** How the path to the store behaves: `refuse` fails at once, `drop` never answers. */
export type StoreLink = 'up' | 'refuse' | 'drop';

export class MemoryLeaseStore {
  private readonly leases = new Map<LeaseId, { expiresAt: number; ttlMs: number }>();
  private readonly keys = new Map<string, KeyHolder>();
  private lastLease = 0;

  constructor(readonly clock: StoreClock) {}

  /** A node's way to the store, with faults of its own. */
  client(endpoint = 'memory'): MemoryLeaseClient {
    return new MemoryLeaseClient(this, endpoint);
  }

  /** Removes a key whatever holds it, as an operator's `etcdctl del` would. */
  deleteKey(key: string): void {
    this.keys.delete(key);
  }

  /** The holder now (what the test sees, not the nodes). */
  peek(key: string): KeyHolder | undefined {
    return this.bound(key);
  }

  acquireNow(key: string, holder: string, ttlMs: number): AcquireAnswer {
    const current = this.bound(key);
    if (current) return { kind: 'held', holder: current.holder, lease: current.lease };
    const lease = String(++this.lastLease);
    this.leases.set(lease, { expiresAt: this.clock.now() + ttlMs, ttlMs });
    this.keys.set(key, { holder, lease });
    return { kind: 'acquired', lease, ttlMs };
  }

  renewNow(key: string, lease: LeaseId): RenewAnswer {
    const l = this.live(lease);
    if (!l) return { kind: 'expired' };
    l.expiresAt = this.clock.now() + l.ttlMs;
    const current = this.bound(key);
    return current?.lease === lease
      ? { kind: 'renewed', ttlMs: l.ttlMs }
      : { kind: 'taken', holder: current?.holder };
  }

  releaseNow(lease: LeaseId): void {
    this.leases.delete(lease);
  }

  private live(lease: LeaseId): { expiresAt: number; ttlMs: number } | undefined {
    const l = this.leases.get(lease);
    if (l && this.clock.now() >= l.expiresAt) this.leases.delete(lease);
    return this.leases.get(lease);
  }

  /** A key exists while the lease it is bound to lives. */
  private bound(key: string): KeyHolder | undefined {
    const k = this.keys.get(key);
    if (k && !this.live(k.lease)) this.keys.delete(key);
    return this.keys.get(key);
  }
}

export class MemoryLeaseClient implements LeaseStore {
  private link: StoreLink = 'up';
  private requestDelayMs = 0;
  private answerDelayMs = 0;

  constructor(
    private readonly store: MemoryLeaseStore,
    readonly endpoint: string,
  ) {}

  /** Changes how the path to the store behaves from the next request on. */
  setLink(link: StoreLink): void {
    this.link = link;
  }

  /** Requests take effect `requestMs` after they are sent; answers come `answerMs` after that. */
  setDelays(requestMs: number, answerMs: number): void {
    this.requestDelayMs = requestMs;
    this.answerDelayMs = answerMs;
  }

  acquire(key: string, holder: string, ttlMs: number, signal: AbortSignal): Promise<AcquireAnswer> {
    return this.call('/acquire', signal, () => this.store.acquireNow(key, holder, ttlMs));
  }

  renew(key: string, lease: LeaseId, signal: AbortSignal): Promise<RenewAnswer> {
    return this.call('/renew', signal, () => this.store.renewNow(key, lease));
  }

  release(lease: LeaseId, signal: AbortSignal): Promise<void> {
    return this.call('/release', signal, () => this.store.releaseNow(lease));
  }

  holder(key: string, signal: AbortSignal): Promise<KeyHolder | undefined> {
    return this.call('/holder', signal, () => this.store.peek(key));
  }

  private async call<T>(path: string, signal: AbortSignal, apply: () => T): Promise<T> {
    const { link, requestDelayMs, answerDelayMs } = this;
    if (signal.aborted) throw new LeaseStoreTimeoutError(this.endpoint, path);
    if (link === 'refuse') throw new LeaseStoreUnavailableError(this.endpoint, `${path}: connection refused`);
    if (link === 'drop') {
      await this.wait(Infinity, signal);
      throw new LeaseStoreTimeoutError(this.endpoint, path);
    }
    if (!(await this.wait(requestDelayMs, signal))) throw new LeaseStoreTimeoutError(this.endpoint, path);
    const answer = apply();
    if (!(await this.wait(answerDelayMs, signal))) throw new LeaseStoreTimeoutError(this.endpoint, path);
    return answer;
  }

  /** True after `ms` on the store's clock, false as soon as the signal ends. */
  private wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? this.store.clock.setTimer(ms, () => done(true)) : undefined;
      const onAbort = () => done(false);
      const done = (ok: boolean) => {
        timer?.cancel();
        signal.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
