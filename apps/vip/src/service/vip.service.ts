// The vip service: orchestration only. For every module of this node with a <vip> (a mirror's:
// ModuleVip; a farm's: FarmVip, which also follows the farm view heartbeat publishes) it
// answers keel.v1.<module>.vip.cmd (admin places or withdraws the module's virtual IPs; the
// controller receives it), sets ip.* and intf.* through resource.set, and writes in the module log
// what it did on its own. At its start it reconciles with the kernel: an address keel placed for a
// module of this node is adopted (admin asks again for what it wants once this service is ready),
// one no module of this node claims any more is withdrawn. Its own stop leaves the addresses: they
// belong to the module's run, which admin and the module's fence end (docs/decisions/0016).
import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  BUS,
  codecs,
  HandlerError,
  subjects,
  type BusPort,
  type FarmViewMessage,
  type ServicePresence,
  type StateChange,
  type VipCommandResult,
  type VipOp,
} from '@keel/bus';
import {
  CLOCK,
  Lifecycle,
  LOGGER,
  METRICS_REGISTRY,
  type Clock,
  type Logger,
  type Timer,
} from '@keel/runtime';
import type { Registry } from 'prom-client';
import type { FarmVipPlan, VipModulePlan, VipPlan } from '../core/plan';
import { FARM_FILTER, type FarmFilterPort } from '../ports/farm-filter.port';
import { FARM_LINK, type FarmLinkPort } from '../ports/farm-link.port';
import { FarmVip } from './farm-vip';
import { VipMetrics, type FarmShare } from './vip.metrics';
import {
  ADDRESSES,
  VIP_CONNECTIONS,
  LINKS,
  VIP_OPTIONS,
  VIP_PLAN,
  type AddressPort,
  type VipConnections,
  type LinkPort,
} from '../ports/address.port';
import { ModuleVip, type VipTiming } from './module-vip';

export const SERVICE_NAME = 'vip';
/** The component named in a module log line it writes. */
export const COMPONENT = 'vip';

export interface VipServiceOptions extends Partial<VipTiming> {
  /** How often the interfaces' carriers are read. */
  readonly linkPollMs?: number;
  /** How long a farm drain waits for the others to take this node's buckets. */
  readonly drainTimeoutMs?: number;
}

export const DEFAULT_TIMING: VipTiming & { linkPollMs: number; drainTimeoutMs: number } = {
  // Two more announcements: one lost frame does not leave a client on the old primary.
  announceRepeatsMs: [100, 1_000],
  conflictProbeMs: 20,
  retryMs: 500,
  comeBackProbes: 3,
  connectionsEveryMs: 10_000,
  linkPollMs: 100,
  // Two farm pulses at SafeKit's default (100 ms) and room for the leader's new view.
  drainTimeoutMs: 1_000,
};

/** Every how many link polls the held VIPs are looked for on their interfaces (1 s at 100 ms). */
const PRESENCE_EVERY_POLLS = 10;

@Injectable()
export class VipService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lifecycle = new Lifecycle();
  private readonly modules = new Map<string, ModuleVip | FarmVip>();
  private readonly states = new Map<string, string>();
  private readonly timing: VipTiming & { linkPollMs: number; drainTimeoutMs: number };
  private poll: Timer | undefined;

  constructor(
    @Inject(VIP_PLAN) private readonly plan: VipPlan,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(ADDRESSES) private readonly addresses: AddressPort,
    @Inject(LINKS) private readonly links: LinkPort,
    @Inject(VIP_CONNECTIONS) private readonly reset: VipConnections,
    @Inject(FARM_FILTER) private readonly filter: FarmFilterPort,
    @Inject(FARM_LINK) private readonly link: FarmLinkPort,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(VIP_OPTIONS) options?: VipServiceOptions,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...options };
    if (registry) new VipMetrics(registry, () => this.farmShares());
  }

  /** The buckets each farm module's groups serve on this node now. */
  farmShares(): FarmShare[] {
    return [...this.modules.entries()].flatMap(([module, m]) =>
      m instanceof FarmVip ? m.shares().map((s) => ({ module, ...s })) : [],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  beforeApplicationShutdown(): void {
    this.stop();
  }

  get moduleNames(): string[] {
    return [...this.modules.keys()];
  }

  async start(): Promise<void> {
    if (!this.lifecycle.beginStart()) return;
    for (const plan of this.plan.modules) {
      if (isFarm(plan)) {
        this.modules.set(plan.name, this.farmVip(plan));
        continue;
      }
      this.modules.set(
        plan.name,
        new ModuleVip({
          plan,
          addresses: this.addresses,
          links: this.links,
          reset: this.reset,
          clock: this.clock,
          timing: this.timing,
          logger: this.logger.child({ module: plan.name }),
          write: (level, text) => this.writeLog(plan.name, level, text),
          setResource: (name, value, component) => this.setResource(plan.name, name, value, component),
        }),
      );
    }
    await this.reconcile();
    for (const m of this.modules.values()) await m.resolve();
    if (!this.lifecycle.started()) return; // stopped while starting
    this.schedulePoll();
    this.logger.info('vip started', {
      modules: this.plan.modules.map((m) => ({ module: m.name, addresses: m.addresses.map((a) => a.addr) })),
      refused: this.plan.refused,
    });
  }

  stop(): void {
    if (!this.lifecycle.beginStop()) return;
    this.poll?.cancel();
    this.poll = undefined;
    for (const m of this.modules.values()) m.close();
    this.lifecycle.stopped();
  }

  /**
   * Places or withdraws the VIPs of `module` (admin's vip.cmd); HandlerError when it cannot.
   * `expected`: the addresses admin read in the module's configuration (its fence withdraws
   * those): a service that read others must not place them.
   */
  async command(
    module: string,
    op: VipOp,
    expected: readonly string[] | undefined,
    from: string,
  ): Promise<VipCommandResult> {
    if (this.lifecycle.phase !== 'running') {
      throw new HandlerError('NOT_RUNNING', `the vip service of this node is ${this.lifecycle.phase}`);
    }
    const vip = this.modules.get(module);
    if (!vip) throw this.unknown(module);
    this.logger.info('virtual IPs requested', { module, op, from });
    const mine = vip.addresses;
    if (op === 'set' && expected !== undefined && !sameSet(expected, mine)) {
      return {
        ok: false,
        message: `Virtual IPs not set: admin reads ${expected.join(', ') || 'none'} in the configuration of ${module}, the vip service ${mine.join(', ')}; restart both after a configuration change`,
        addresses: [],
      };
    }
    return vip.command(op);
  }

  /** The farm view heartbeat follows for a farm module. */
  farmView(view: FarmViewMessage): void {
    const m = this.modules.get(view.module);
    if (m instanceof FarmVip) m.farmView(view);
  }

  private farmVip(plan: VipModulePlan & { farm: FarmVipPlan }): FarmVip {
    return new FarmVip({
      plan,
      addresses: this.addresses,
      links: this.links,
      filter: this.filter,
      link: this.link,
      reset: this.reset,
      clock: this.clock,
      announceRepeatsMs: this.timing.announceRepeatsMs,
      drainTimeoutMs: this.timing.drainTimeoutMs,
      logger: this.logger.child({ module: plan.name }),
      write: (level, text) => this.writeLog(plan.name, level, text),
      setResource: (name, value, component) => this.setResource(plan.name, name, value, component),
    });
  }

  /** A module's state: one that starts again gets its resources again (admin reset them at STOP). */
  moduleState(s: StateChange): void {
    const before = this.states.get(s.module);
    this.states.set(s.module, s.state);
    if ((before === undefined || before === 'STOP') && s.state !== 'STOP')
      this.modules.get(s.module)?.republish();
  }

  /** A (re)started admin knows none of the resources this service set: say them again. */
  servicePresence(p: ServicePresence): void {
    if (p.service === 'admin' && p.status === 'ready') for (const m of this.modules.values()) m.republish();
  }

  /**
   * Withdraws the addresses keel placed that no module of this node claims now. Not while a
   * module's configuration cannot be read: its VIPs are unknown, and may be in use.
   */
  private async reconcile(): Promise<void> {
    if (this.plan.unreadable.length > 0) {
      this.logger.warn('keeps every virtual IP keel placed: some module configurations cannot be read', {
        modules: this.plan.unreadable,
      });
      return;
    }
    const claimed = new Set(this.plan.modules.flatMap((m) => m.addresses.map((a) => a.addr)));
    for (const a of await this.addresses.list()) {
      if (!a.keel || claimed.has(a.addr)) continue;
      const removed = await this.addresses
        .remove({ addr: a.addr, prefix: a.prefix, ifname: a.ifname })
        .catch((err: Error) =>
          this.logger.error('cannot withdraw a stale virtual IP', { addr: a.addr, err }),
        );
      if (removed) {
        this.logger.warn('withdrew a virtual IP no module of this node claims', {
          addr: a.addr,
          ifname: a.ifname,
        });
      }
    }
    // After the addresses: a farm VIP without its filter would be answered for by this kernel.
    await this.reconcileFilters();
  }

  /** The farm filters of modules that are no farm of this node any more go. */
  private async reconcileFilters(): Promise<void> {
    const farms = new Set(this.plan.modules.filter(isFarm).map((m) => m.name));
    try {
      const stale = new Set((await this.filter.tables()).map((t) => t.module).filter((m) => !farms.has(m)));
      for (const module of stale) {
        await this.filter.remove(module);
        this.logger.warn('removed the farm filter of a module that is no farm of this node', { module });
      }
    } catch (err) {
      this.logger.error('cannot read or remove the farm filters keel left', { err });
    }
  }

  private schedulePoll(): void {
    this.poll = this.clock.setTimer(this.timing.linkPollMs, () => {
      for (const m of this.modules.values()) m.pollLinks();
      const mirrors = [...this.modules.values()].filter((m): m is ModuleVip => m instanceof ModuleVip);
      // The addresses are read less often than the carriers: a netlink dump, not a file.
      if (++this.polls % PRESENCE_EVERY_POLLS === 0) for (const m of mirrors) m.checkPresence();
      if (this.lifecycle.phase === 'running') this.schedulePoll();
    });
  }

  private polls = 0;

  private unknown(module: string): HandlerError {
    const refusal = this.plan.refused.find((r) => r.module === module);
    if (refusal)
      return new HandlerError('NO_VIP', `module ${module} cannot place its virtual IPs: ${refusal.reason}`);
    const known = this.moduleNames.join(', ') || 'none';
    return new HandlerError(
      'NO_VIP',
      `module ${module} has no virtual IP on this node (modules with one: ${known})`,
    );
  }

  private writeLog(module: string, level: 'I' | 'E', text: string): void {
    this.publish(() =>
      this.bus.publish(subjects.log(module), codecs.logLine, {
        module,
        level,
        message: text,
        component: COMPONENT,
      }),
    );
  }

  private setResource(module: string, name: string, value: string, component: string): void {
    this.publish(() =>
      this.bus.publish(subjects.resourceSet(module), codecs.resourceSet, { module, name, value, component }),
    );
  }

  /** A bus failure must never stop the service: it is logged and dropped. */
  private publish(send: () => void): void {
    try {
      send();
    } catch (err) {
      this.logger.warn('cannot publish on the bus', { err });
    }
  }
}

function isFarm(plan: VipModulePlan): plan is VipModulePlan & { farm: FarmVipPlan } {
  return plan.farm !== undefined;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
