// The lease arbiter of one module as admin runs it (docs/decisions/0019): a LeaseRunner on the
// node's monotonic clock, driven by the engine's `lease` effects and answering with its `lease`
// inputs. Each write window goes to rfs (keel-rfsd's deadline) before the engine hears that the
// lease is held, so the primary daemon it asks for next opens with it. A lost lease fences the
// application at once (its namespace killed, its VIPs withdrawn), before the engine even starts
// the stop scripts; the lost lease itself is released only once the engine's stop has released.
import {
  LeaseRunner,
  leaseTimingFor,
  type LeaseId,
  type LeaseLoss,
  type LeaseStore,
  type StoreClock,
} from '@keel/arbiter';
import type { Effect, MirrorInput } from '@keel/engine';
import type { LogLevel } from '../ports/module-log.port';

/** The component named in the module log's resource lines ("set to up by arbiter"). */
export const ARBITER_COMPONENT = 'arbiter';

export interface ArbiterHost {
  readonly module: string;
  readonly node: string;
  /** `<check><arbiter ident>`: the resource arbiter.<ident>. */
  readonly ident: string;
  readonly ttlMs: number;
  readonly fenceMs: number;
  readonly store: LeaseStore;
  /** The store as the log names it (its endpoints). */
  readonly storeName: string;
  /** CLOCK_MONOTONIC milliseconds: keel-rfsd's deadlines are on that clock. */
  readonly clock: StoreClock;
  write(level: LogLevel, text: string): void;
  setResource(name: string, value: string, by: string): void;
  submit(input: MirrorInput): void;
  /** Gives rfs the primary's write deadline; resolves once answered or failed (never rejects). */
  window(deadlineMs: number): Promise<void>;
  /** Ends the application's fence now: its processes killed, its VIPs withdrawn. */
  fence(): void;
}

/** The key of a module's lease in the store. */
export const leaseKey = (module: string) => `/keel/arbiter/${module}`;

export class ArbiterControl {
  private readonly runner: LeaseRunner;
  /** The engine's wait this contention answers (the token of its `acquire`). */
  private token: number | undefined;
  /** Why the node waits, as last said in the log (said again only when it changes). */
  private said: string | undefined;
  /** The last window given while holding, for a restarted rfs service. */
  private lastWindow: number | undefined;
  private windowSent: Promise<void> = Promise.resolve();
  /** A lease lost while held: released once the engine's stop has released the role. */
  private lostLease: LeaseId | undefined;
  private closed = false;

  constructor(private readonly host: ArbiterHost) {
    this.runner = new LeaseRunner({
      store: host.store,
      key: leaseKey(host.module),
      holder: host.node,
      timing: leaseTimingFor(host.ttlMs, host.fenceMs),
      clock: host.clock,
      listener: {
        window: (deadline) => this.window(deadline),
        holding: () => this.holding(),
        lost: (loss, lease) => this.lost(loss, lease),
        note: (text) => host.write('V', `Arbiter: ${text}`),
        contended: (holder, why) => this.contended(holder, why),
      },
    });
  }

  private get resource(): string {
    return `arbiter.${this.host.ident}`;
  }

  /** The engine's `lease` effects, in the order it gave them. */
  carry(e: Extract<Effect, { kind: 'lease' }>): void {
    if (e.op === 'acquire') {
      this.token = e.token;
      this.said = undefined;
      this.runner.contend();
      return;
    }
    this.token = undefined;
    this.said = undefined;
    // Closes the window (rfs is told) and revokes a held lease: the key is free at once.
    this.runner.resign();
    this.lastWindow = undefined;
    const lost = this.lostLease;
    this.lostLease = undefined;
    if (lost !== undefined) void this.revoke(lost);
    this.host.setResource(this.resource, 'down', ARBITER_COMPONENT);
  }

  /** Looks at the time now: a deadline passed while admin was stopped is a loss before anything else. */
  poll(): void {
    this.runner.poll();
  }

  /** A (re)started rfs service knows no deadline: it is given the current one again. */
  onRfsReady(): void {
    if (this.lastWindow !== undefined) void this.host.window(this.lastWindow);
  }

  /** admin is going down: nothing more is sent; a held lease expires (the fence dies with admin). */
  close(): void {
    this.closed = true;
    this.runner.close();
  }

  private window(deadline: number): void {
    this.lastWindow = this.runner.phase === 'holding' ? deadline : undefined;
    this.windowSent = this.host.window(deadline);
  }

  private holding(): void {
    const token = this.token;
    this.said = undefined;
    this.host.setResource(this.resource, 'up', ARBITER_COMPONENT);
    // rfs has the first window before the engine asks it for the primary daemon.
    void this.windowSent.then(() => {
      if (token !== undefined && this.token === token && this.runner.phase === 'holding')
        this.host.submit({ kind: 'lease', event: 'held', token });
    });
  }

  private lost(loss: LeaseLoss, lease: LeaseId): void {
    const { host } = this;
    this.lostLease = lease;
    this.lastWindow = undefined;
    host.write(
      'E',
      `Lease of the arbiter lost (${describeLoss(loss)}): writes refused, the application fenced`,
    );
    host.fence();
    host.setResource(this.resource, 'down', ARBITER_COMPONENT);
    host.submit({ kind: 'lease', event: 'lost', reason: describeLoss(loss) });
  }

  private contended(holder: string | undefined, why: string): void {
    const token = this.token;
    if (token === undefined) return;
    const said = holder === undefined ? 'unreachable' : `held by ${holder}`;
    if (this.said === said) return;
    this.said = said;
    const self = holder === this.host.node ? ', an earlier run of this node: it expires' : '';
    this.host.write('I', `Waiting for the arbiter's lease at ${this.host.storeName} (${why}${self})`);
    this.host.submit({ kind: 'lease', event: 'waiting', token });
  }

  /** Revokes a lease lost earlier, bounded by a request timeout on the lease's clock. */
  private async revoke(lease: LeaseId): Promise<void> {
    const { host } = this;
    const controller = new AbortController();
    const timer = host.clock.setTimer(leaseTimingFor(host.ttlMs, host.fenceMs).requestTimeoutMs, () =>
      controller.abort(),
    );
    try {
      await host.store.release(lease, controller.signal);
    } catch (err) {
      if (!this.closed)
        host.write(
          'V',
          `Arbiter: the lost lease ${lease} was not revoked (it expires): ${(err as Error).message}`,
        );
    } finally {
      timer.cancel();
    }
  }
}

export function describeLoss(loss: LeaseLoss): string {
  switch (loss.kind) {
    case 'deadline-passed':
      return 'no renewal was granted before the write deadline';
    case 'expired':
      return 'the store no longer knows the lease';
    case 'taken':
      return `the key was taken${loss.holder ? ` by ${loss.holder}` : ''}`;
  }
}
