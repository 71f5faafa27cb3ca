// The virtual IP of one farm module on this node (decisions 0017, 0018). On admin's `set` (before
// start_both) the module's filter goes in first — the kernel must never answer ARP for the VIP
// with this node's MAC — then the VIP on its interface with `arp_announce = 2`; this node's
// buckets in each group's set follow the farm view heartbeat publishes (none until this node is a
// member: UP (Ready)); while this node leads the view, it answers ARP for the VIP with the
// virtual MAC and announces it once it starts to. `remove` (after stop_both) withdraws the VIP,
// then the filter. Every step is serialised with the others of the module.
import type { FarmViewMessage, PlacedVip, VipCommandResult, VipOp } from '@keel/bus';
import type { Clock, Logger, Timer } from '@keel/runtime';
import { bucketUpdateScript, farmFilterScript, type FarmFilterInterface } from '../core/farm-filter';
import { checkedNetworks, placeVip } from '../core/placement';
import type { FarmVipPlan, VipModulePlan } from '../core/plan';
import type { AddressPort, LinkPort, NodeAddress, VipConnections } from '../ports/address.port';
import type { FarmFilterPort } from '../ports/farm-filter.port';
import type { FarmLinkPort, FarmResponder, UnicastHold } from '../ports/farm-link.port';
import { CarrierWatch } from './carrier-watch';

/** How soon a bucket update nft refused is tried again. */
const RETRY_MS = 500;

export interface FarmVipHost {
  readonly plan: VipModulePlan & { readonly farm: FarmVipPlan };
  readonly addresses: AddressPort;
  readonly links: LinkPort;
  readonly filter: FarmFilterPort;
  readonly link: FarmLinkPort;
  readonly reset: VipConnections;
  readonly clock: Clock;
  /** When a new leader announces the virtual MAC again, after the first announcement at once. */
  readonly announceRepeatsMs: readonly number[];
  /** How long a drain waits for the others to take this node's buckets. */
  readonly drainTimeoutMs: number;
  readonly logger: Logger;
  write(level: 'I' | 'E', text: string): void;
  setResource(name: string, value: string, component: string): void;
}

export class FarmVip {
  /** The interfaces (virtual MAC, VIPs) of the placed VIP, between `set` and `remove`. */
  private held: readonly FarmFilterInterface[] | undefined;
  private view: FarmViewMessage | undefined;
  /** The buckets each group's set holds now (keyed by group index). */
  private readonly sets = new Map<number, string>();
  private responders: FarmResponder[] = [];
  /** The virtual MACs the cards receive while the VIP is here. */
  private holds: UnicastHold[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Drains waiting for this node's sets to empty. */
  private drains: (() => void)[] = [];
  private retry: Timer | undefined;
  /** Ends the view's lease: heartbeat fell silent (killed), the others take the buckets. */
  private lease: Timer | undefined;

  private readonly carriers: CarrierWatch;

  constructor(private readonly host: FarmVipHost) {
    this.carriers = new CarrierWatch(host.links);
  }

  /**
   * intf.<network> for the interfaces of `<interface check="on">` (SafeKit's interface checker,
   * reference §5.14): its `down` has the failover rules take the node out of the farm (wait).
   */
  async resolve(): Promise<void> {
    const all = await this.host.addresses.list();
    this.carriers.watch(checkedNetworks(this.host.plan.addresses, all));
    this.pollLinks();
  }

  /**
   * Reads the carriers; says intf.<network>. Called on every poll of the links. An interface of
   * the VIP whose link comes back may be a new one (re-created: a bond, a driver reload) that has
   * lost the virtual MAC's membership and the leader's packet socket: both are taken again.
   */
  pollLinks(): void {
    const changed = this.carriers.poll((this.held ?? []).map((i) => i.ifname));
    for (const r of this.carriers.resources()) this.publish(r.name, r.value, 'intfcheck');
    if (this.closed || !this.held || !changed.some((c) => c.carrier)) return;
    void this.serial(async () => this.holdAgain()).catch((err: Error) =>
      this.host.logger.error('cannot hold the farm virtual MAC again', { module: this.name, err }),
    );
  }

  private async holdAgain(): Promise<void> {
    if (!this.held) return;
    this.releaseHolds();
    this.holdUnicast(this.held);
    if (this.responders.length === 0) return;
    this.stopAnswering();
    this.startAnswering(this.held);
  }

  /** The cards keep receiving the virtual MACs; one that cannot is said, the others still held. */
  private holdUnicast(held: readonly FarmFilterInterface[]): void {
    for (const itf of held) {
      try {
        this.holds.push(this.host.link.holdUnicast(itf.ifname, itf.vmac));
      } catch (err) {
        this.host.write(
          'E',
          `Farm virtual MAC ${itf.vmac} not received on ${itf.ifname}: ${(err as Error).message}`,
        );
      }
    }
  }

  get name(): string {
    return this.host.plan.name;
  }

  get addresses(): string[] {
    return this.host.plan.addresses.map((a) => a.addr);
  }

  command(op: VipOp): Promise<VipCommandResult> {
    if (op === 'drain') return this.drain();
    return this.serial(() => (op === 'set' ? this.set() : this.remove()));
  }

  /**
   * Answers once this node serves no bucket any more — the view heartbeat made after this node
   * stopped being UP (Ready) has reached its sets — or after drainTimeoutMs (the others then take
   * them when they stop hearing it). Not in the serial queue: the views it waits for go through it.
   */
  private drain(): Promise<VipCommandResult> {
    const drained = (): VipCommandResult => ({ ok: true, addresses: [] });
    if (!this.held || this.serving() === 0) return Promise.resolve(drained());
    return new Promise((resolve) => {
      const timer = this.host.clock.setTimer(this.host.drainTimeoutMs, () => {
        this.drains = this.drains.filter((d) => d !== done);
        resolve({
          ok: false,
          message: `Farm share not handed over within ${this.host.drainTimeoutMs} ms: this node still serves ${this.serving()} buckets`,
          addresses: [],
        });
      });
      const done = () => {
        timer.cancel();
        resolve(drained());
      };
      this.drains.push(done);
    });
  }

  /** Buckets this node's sets hold now, every group together. */
  private serving(): number {
    return [...this.sets.values()].reduce((n, key) => n + (key === '' ? 0 : key.split(',').length), 0);
  }

  /** The farm view heartbeat follows: this node's buckets and whether it answers ARP. */
  farmView(view: FarmViewMessage): void {
    this.view = view;
    this.lease?.cancel();
    this.lease =
      view.leaseMs === undefined || view.members.length === 0
        ? undefined
        : this.host.clock.setTimer(view.leaseMs, () => this.leaseEnded(view));
    void this.serial(() => this.follow()).catch((err: Error) =>
      this.host.logger.error('cannot follow the farm view', { module: this.name, err }),
    );
  }

  /**
   * No view for a lease: this node's heartbeat is gone, and the others, no longer hearing it,
   * serve its buckets now. Serving them too would have two nodes answer the same clients.
   */
  private leaseEnded(view: FarmViewMessage): void {
    this.lease = undefined;
    if (this.closed) return;
    this.host.write(
      'E',
      `Farm view not renewed for ${view.leaseMs} ms (heartbeat silent): this node serves no bucket until it is back`,
    );
    this.farmView({
      module: view.module,
      epoch: view.epoch,
      members: [],
      groups: view.groups.map((g) => ({ name: g.name, owners: g.owners.map(() => null) })),
    });
  }

  close(): void {
    this.closed = true;
    this.retry?.cancel();
    this.lease?.cancel();
    this.stopAnswering();
  }

  private async set(): Promise<VipCommandResult> {
    const { host } = this;
    const all = await host.addresses.list();
    const placed: PlacedVip[] = [];
    const interfaces = new Map<string, { vmac: string; vips: { addr: string; family: 4 | 6 }[] }>();
    for (const vip of host.plan.addresses) {
      const p = placeVip(vip, all);
      if (!p.ok) return this.notSet(vip.addr, p.reason);
      const itf = interfaces.get(p.placed.ifname) ?? { vmac: vip.vmac as string, vips: [] };
      if (itf.vmac !== vip.vmac)
        return this.notSet(vip.addr, `interface ${p.placed.ifname} would need two virtual MACs`);
      itf.vips.push({ addr: vip.addr, family: vip.family });
      interfaces.set(p.placed.ifname, itf);
      placed.push(p.placed);
    }
    const filterInterfaces = [...interfaces].map(([ifname, i]) => ({ ifname, vmac: i.vmac, vips: i.vips }));
    this.sets.clear();
    try {
      // The filter first: from the moment the VIP is here, the kernel must not answer ARP for it.
      await host.filter.apply(
        farmFilterScript({
          module: this.name,
          interfaces: filterInterfaces,
          groups: host.plan.farm.groups.map((g, i) => ({ rules: g.rules, buckets: this.ownBuckets(i) })),
        }),
      );
      host.plan.farm.groups.forEach((_, i) => this.sets.set(i, this.ownBuckets(i).join(',')));
      for (const ifname of interfaces.keys()) await host.link.preferOwnSource(ifname);
      // A set again (a restarted service asked anew) holds afresh.
      this.releaseHolds();
      this.holdUnicast(filterInterfaces);
    } catch (err) {
      return this.notSet(placed[0]?.addr ?? '', (err as Error).message);
    }
    for (const p of placed) {
      const problem = await this.place(p, all);
      if (problem) return this.notSet(p.addr, problem);
    }
    this.held = filterInterfaces;
    for (const vip of host.plan.addresses) if (vip.check) this.publish(`ip.${vip.addr}`, 'up', 'ipcheck');
    await this.follow();
    host.logger.info('farm virtual IPs set', { module: this.name, addresses: placed });
    return { ok: true, addresses: placed };
  }

  /** Adopts an address keel placed already (a restarted service), or adds it. */
  private async place(p: PlacedVip, all: readonly NodeAddress[]): Promise<string | undefined> {
    if (all.some((a) => a.addr === p.addr && a.ifname === p.ifname && a.keel)) return undefined;
    const other = all.find((a) => a.addr === p.addr);
    if (other) return `it is on interface ${other.ifname} of this node already, not placed by this module`;
    try {
      await this.host.addresses.add(p);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /**
   * A placement that failed: nothing of the module stays — not the addresses this request added,
   * nor those an earlier run left (a restarted service was asked again) — and the filter goes
   * only once no address of the module is left, or the kernel would answer ARP for one.
   */
  private async notSet(addr: string, reason: string): Promise<VipCommandResult> {
    this.stopAnswering();
    this.releaseHolds();
    this.held = undefined;
    const left = await this.withdrawAll().catch(() => ['unknown']);
    if (left.length === 0) await this.host.filter.remove(this.name).catch(() => undefined);
    this.sets.clear();
    for (const vip of this.host.plan.addresses)
      if (vip.check) this.publish(`ip.${vip.addr}`, 'down', 'ipcheck');
    this.host.logger.error('farm virtual IP not set', { module: this.name, addr, reason });
    return { ok: false, message: `Virtual IP ${addr} could not be set: ${reason}`, addresses: [] };
  }

  /**
   * The VIP leaves before the filter: without the filter the kernel would answer ARP for an
   * address it still holds, with this node's MAC.
   */
  private async remove(): Promise<VipCommandResult> {
    const { host } = this;
    this.stopAnswering();
    const removed: PlacedVip[] = [];
    const stayed = await this.withdrawAll(removed);
    if (host.plan.tcpreset)
      for (const addr of this.addresses)
        await host.reset
          .resetFrom(addr)
          .catch((err: Error) =>
            host.logger.warn('cannot reset the TCP connections of a virtual IP', { addr, err }),
          );
    this.held = undefined;
    this.releaseHolds();
    this.sets.clear();
    for (const done of this.drains.splice(0)) done();
    if (stayed.length > 0)
      return {
        ok: false,
        message: `Virtual IP ${stayed.join(', ')} could not be removed`,
        addresses: removed,
      };
    try {
      await host.filter.remove(this.name);
    } catch (err) {
      return {
        ok: false,
        message: `the farm filter of ${this.name} could not be removed: ${(err as Error).message}`,
        addresses: removed,
      };
    }
    for (const vip of host.plan.addresses) if (vip.check) this.publish(`ip.${vip.addr}`, 'init', 'ipcheck');
    return { ok: true, addresses: removed };
  }

  /**
   * Withdraws every address keel placed for this module's VIPs (held, or left by an earlier run);
   * what was withdrawn goes to `removed`. Returns those that stayed.
   */
  private async withdrawAll(removed: PlacedVip[] = []): Promise<string[]> {
    const { host } = this;
    const stayed: string[] = [];
    for (const a of (await host.addresses.list()).filter((x) => x.keel && this.addresses.includes(x.addr))) {
      const p = { addr: a.addr, prefix: a.prefix, ifname: a.ifname };
      const gone = await host.addresses.remove(p).catch((err: Error) => {
        host.write('E', `Virtual IP ${a.addr} could not be removed from ${a.ifname}: ${err.message}`);
        return false;
      });
      if (gone) removed.push(p);
      else stayed.push(`${a.addr} on ${a.ifname}`);
    }
    return stayed;
  }

  /** Brings the sets and the ARP answers in line with the view (nothing while the VIP is not here). */
  private async follow(): Promise<void> {
    this.retry?.cancel();
    this.retry = undefined;
    if (!this.held || this.closed) return;
    const { host } = this;
    // Who answers ARP first: a set that cannot be updated must not keep the leader silent.
    const leads = this.view?.leader === host.plan.farm.node;
    if (leads && this.responders.length === 0) this.startAnswering(this.held);
    if (!leads) this.stopAnswering();
    try {
      await this.updateSets();
    } catch (err) {
      // nft failed (a timeout, a busy kernel): tried again while the view stays the same.
      this.retry = host.clock.setTimer(RETRY_MS, () => void this.serial(() => this.follow()));
      throw err;
    }
    if (this.serving() === 0) for (const done of this.drains.splice(0)) done();
  }

  private async updateSets(): Promise<void> {
    const { host } = this;
    for (let i = 0; i < host.plan.farm.groups.length; i++) {
      const buckets = this.ownBuckets(i);
      const key = buckets.join(',');
      if (this.sets.get(i) === key) continue;
      await host.filter.apply(bucketUpdateScript(this.name, i, buckets));
      this.sets.set(i, key);
      host.logger.info('farm buckets', {
        module: this.name,
        group: host.plan.farm.groups[i]?.name,
        buckets: buckets.length,
      });
    }
  }

  /** The buckets each group's set holds now (what this node serves), by group name. */
  shares(): { group: string; buckets: number }[] {
    return this.host.plan.farm.groups.map((g, i) => {
      const key = this.sets.get(i) ?? '';
      return { group: g.name, buckets: key === '' ? 0 : key.split(',').length };
    });
  }

  private ownBuckets(group: number): number[] {
    const owners = this.view?.groups[group]?.owners ?? [];
    const self = this.host.plan.farm.node;
    return owners.flatMap((o, b) => (o === self ? [b] : []));
  }

  /** This node leads: it answers for the VIP, and tells the LAN the VIP is at the virtual MAC. */
  private startAnswering(held: readonly FarmFilterInterface[]): void {
    const { host } = this;
    for (const itf of held) {
      const addrs = itf.vips.map((v) => v.addr);
      try {
        this.responders.push(host.link.startResponder(itf.ifname, addrs, itf.vmac));
      } catch (err) {
        host.write(
          'E',
          `Farm virtual IP ${addrs.join(', ')}: cannot answer ARP on ${itf.ifname}: ${(err as Error).message}`,
        );
        continue;
      }
      const announce = () => {
        if (this.responders.length === 0) return;
        for (const a of addrs)
          host.link
            .announceAs(itf.ifname, a, itf.vmac)
            .catch((err: Error) =>
              host.logger.warn('cannot announce the farm virtual MAC', { addr: a, err }),
            );
      };
      announce();
      for (const ms of host.announceRepeatsMs) host.clock.setTimer(ms, announce);
    }
    host.logger.info('answers ARP for the farm virtual IPs', { module: this.name });
  }

  private releaseHolds(): void {
    for (const h of this.holds.splice(0)) h.release();
  }

  private stopAnswering(): void {
    if (this.responders.length === 0) return;
    for (const r of this.responders) r.stop();
    this.responders = [];
    this.host.logger.info('no longer answers ARP for the farm virtual IPs', { module: this.name });
  }

  private readonly published = new Map<string, { value: string; component: string }>();

  private publish(name: string, value: string, component: string): void {
    if (this.published.get(name)?.value === value) return;
    this.published.set(name, { value, component });
    this.host.setResource(name, value, component);
  }

  /** Every resource this module set, again (a restarted admin). */
  republish(): void {
    for (const [name, r] of this.published) this.host.setResource(name, r.value, r.component);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
