// Runs a lease keeper against a store on a clock: hands its requests to the store (each bounded
// by the timing's request timeout), feeds the answers back with the time they arrived, ticks it
// when it asks, and tells the listener what the node may do. This is what admin will hold per
// module (docs/decisions/0019); it knows nothing of modules, VIPs or keel-rfsd.
import {
  initialKeeper,
  mayWrite,
  nextWakeAt,
  stepKeeper,
  type KeeperCommand,
  type KeeperEvent,
  type KeeperState,
  type LeaseId,
  type LeaseLoss,
} from '../core/lease-keeper';
import type { LeaseTiming } from '../core/timing';
import type { StoreClock } from '../adapters/memory-lease-store';
import type { LeaseStore } from '../ports/lease-store.port';

export interface LeaseListener {
  /** Writes are allowed until `writeDeadline` (clock time); a time not after now closes them. */
  window(writeDeadline: number): void;
  /** The node holds the lease from now on. */
  holding(lease: LeaseId): void;
  /** The node lost the lease (the window is already closed); release `lease` once fenced. */
  lost(loss: LeaseLoss, lease: LeaseId): void;
  /** Something for the log: failed or late answers. */
  note(text: string): void;
  /**
   * An attempt to acquire did not get the lease: another holds it (`holder`, the value it wrote),
   * or the store could not be asked (`holder` undefined, `why`). The runner tries again by itself.
   */
  contended?(holder: string | undefined, why: string): void;
}

export interface LeaseRunnerOptions {
  readonly store: LeaseStore;
  /** The key of the module's lease, e.g. /keel/arbiter/<module>. */
  readonly key: string;
  /** What the key holds while this node has it: the node's name. */
  readonly holder: string;
  readonly timing: LeaseTiming;
  /** CLOCK_MONOTONIC milliseconds when the deadlines go to keel-rfsd (monotonicNowMs). */
  readonly clock: StoreClock;
  readonly listener: LeaseListener;
}

export class LeaseRunner {
  private state: KeeperState;
  private timer: { cancel(): void } | undefined;
  private closed = false;
  private readonly queue: KeeperEvent[] = [];
  private running = false;

  constructor(private readonly o: LeaseRunnerOptions) {
    this.state = initialKeeper(o.timing);
  }

  /** Starts contending for the lease (nothing if already contending or holding). */
  contend(): void {
    this.submit({ type: 'contend', now: this.o.clock.now() });
  }

  /** Gives the lease up: call once the application and writes are stopped. */
  resign(): void {
    this.submit({ type: 'resign', now: this.o.clock.now() });
  }

  /**
   * Lets the keeper look at the time now, between its own timers: a holder whose deadline passed
   * while the process was stopped learns it before anything else it is about to act on.
   */
  poll(): void {
    this.submit({ type: 'tick', now: this.o.clock.now() });
  }

  /** Stops the runner: no request or callback after this (a held lease is left to expire). */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Whether the keeper allows writes now. */
  mayWrite(): boolean {
    return mayWrite(this.state, this.o.clock.now());
  }

  get phase(): KeeperState['is']['phase'] {
    return this.state.is.phase;
  }

  /** Events are handled one at a time, in order, even when a listener submits one. */
  private submit(event: KeeperEvent): void {
    if (this.closed) return;
    this.queue.push(event);
    if (this.running) return;
    this.running = true;
    try {
      for (let e = this.queue.shift(); e && !this.closed; e = this.queue.shift()) {
        const step = stepKeeper(this.state, e);
        this.state = step.state;
        for (const c of step.commands) this.carryOut(c);
      }
    } finally {
      this.running = false;
    }
    this.schedule();
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const at = nextWakeAt(this.state);
    if (at === undefined || this.closed) return;
    const clock = this.o.clock;
    this.timer = clock.setTimer(Math.max(0, at - clock.now()), () =>
      this.submit({ type: 'tick', now: clock.now() }),
    );
  }

  private carryOut(c: KeeperCommand): void {
    const { store, key, holder, listener, timing } = this.o;
    switch (c.type) {
      case 'acquire':
        return this.ask(
          c.id,
          (signal) => store.acquire(key, holder, c.ttlMs, signal),
          (a, now) => {
            if (a.kind === 'acquired')
              return { type: 'acquired', now, id: c.id, lease: a.lease, ttlMs: a.ttlMs };
            listener.contended?.(a.holder, `held by ${a.holder}`);
            return { type: 'held', now, id: c.id, holder: a.holder };
          },
          (error) => listener.contended?.(undefined, error),
        );
      case 'renew':
        return this.ask(
          c.id,
          (signal) => store.renew(key, c.lease, signal),
          (a, now) =>
            a.kind === 'renewed'
              ? { type: 'renewed', now, id: c.id, ttlMs: a.ttlMs }
              : a.kind === 'expired'
                ? { type: 'expired', now, id: c.id }
                : { type: 'taken', now, id: c.id, holder: a.holder },
        );
      case 'release': {
        const { signal, done } = this.bounded(timing.requestTimeoutMs);
        store
          .release(c.lease, signal)
          .catch((err: Error) => {
            if (!this.closed)
              listener.note(`release of lease ${c.lease} failed (it expires by itself): ${err.message}`);
          })
          .finally(done);
        return;
      }
      case 'window':
        return listener.window(c.writeDeadline);
      case 'holding':
        return listener.holding(c.lease);
      case 'lost':
        return listener.lost(c.loss, c.lease);
      case 'note':
        return listener.note(c.text);
    }
  }

  /** Sends one request bounded by the request timeout; its answer or failure comes back as an event. */
  private ask<A>(
    id: number,
    request: (signal: AbortSignal) => Promise<A>,
    answer: (a: A, now: number) => KeeperEvent,
    failed?: (error: string) => void,
  ): void {
    const { signal, done } = this.bounded(this.o.timing.requestTimeoutMs);
    request(signal)
      .then(
        (a) => {
          if (!this.closed) this.submit(answer(a, this.o.clock.now()));
        },
        (err: Error) => {
          if (this.closed) return;
          failed?.(err.message);
          this.submit({ type: 'failed', now: this.o.clock.now(), id, error: err.message });
        },
      )
      .finally(done);
  }

  /** A signal that ends after `ms` on the runner's clock (so fake clocks drive time-outs too). */
  private bounded(ms: number): { signal: AbortSignal; done: () => void } {
    const controller = new AbortController();
    const timer = this.o.clock.setTimer(ms, () => controller.abort());
    return { signal: controller.signal, done: () => timer.cancel() };
  }
}
