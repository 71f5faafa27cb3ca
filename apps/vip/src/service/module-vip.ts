// The virtual IPs of one module on this node: placed when admin says `set` (the module becomes
// primary), withdrawn on `remove`, announced to the LAN each time they arrive, and watched:
//  - an interface that loses its carrier loses its VIPs at once (an address on a dead link serves
//    nobody, and would clash with the peer's when the link returns); they come back with the
//    carrier if the module still wants them and nobody answered for them through a hold-down of
//    several probes (a link coming up may drop frames for a while);
//  - intf.<network> follows the carrier (SafeKit's interface checker, reference §5.14), ip.<addr>
//    says whether the VIP could be placed (§5.15): its `down` has the failover rules decide.
// A request that cannot place every address withdraws those it placed: nothing is left half-set.
import type { PlacedVip, VipCommandResult, VipOp } from '@keel/bus';
import type { Clock, Logger, Timer } from '@keel/runtime';
import { checkedNetworks, placeVip } from '../core/placement';
import { CarrierWatch } from './carrier-watch';
import type { VipAddressPlan, VipModulePlan } from '../core/plan';
import {
  AddressError,
  type AddressPort,
  type VipConnections,
  type LinkPort,
  type NodeAddress,
} from '../ports/address.port';

export interface VipTiming {
  /** When a VIP that arrived is announced again, after the first announcement at once. */
  readonly announceRepeatsMs: readonly number[];
  /** How long a placement waits for another host to answer for the address. */
  readonly conflictProbeMs: number;
  /** How often withdrawn VIPs try to come back. */
  readonly retryMs: number;
  /** Probes, retryMs apart, that must all go unanswered before a withdrawn VIP comes back. */
  readonly comeBackProbes: number;
  /** How often `connections="on"` counts a VIP's connections (SafeKit: every 10 s). */
  readonly connectionsEveryMs: number;
}

export interface ModuleVipHost {
  readonly plan: VipModulePlan;
  readonly addresses: AddressPort;
  readonly links: LinkPort;
  readonly reset: VipConnections;
  readonly clock: Clock;
  readonly timing: VipTiming;
  readonly logger: Logger;
  /** A module log line (keel.v1.<module>.log). */
  write(level: 'I' | 'E', text: string): void;
  setResource(name: string, value: string, component: string): void;
}

interface Held {
  readonly vip: VipAddressPlan;
  readonly placed: PlacedVip;
  readonly network: string;
  /** On the interface now (false: withdrawn while its link was down). */
  present: boolean;
  /** Unanswered probes in a row since its link came back. */
  silentProbes: number;
  /** Removed from outside keel: the rules decide, it never comes back by itself. */
  vanished: boolean;
}

export class ModuleVip {
  /** The module's VIPs while admin wants them here (between `set` and `remove`). */
  private held: Held[] | undefined;
  private readonly timers = new Set<Timer>();
  private retry: Timer | undefined;
  private readonly published = new Map<string, { value: string; component: string }>();
  private readonly carriers: CarrierWatch;
  /** Serialises the commands and the link reactions of this module. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: ModuleVipHost) {
    this.carriers = new CarrierWatch(host.links);
  }

  get name(): string {
    return this.host.plan.name;
  }

  /** The module's VIP addresses, canonical. */
  get addresses(): string[] {
    return this.host.plan.addresses.map((a) => a.addr);
  }

  command(op: VipOp): Promise<VipCommandResult> {
    // A mirror's VIP is on one node: it has no share to hand over.
    if (op === 'drain') return Promise.resolve({ ok: true, addresses: [] });
    return this.serial(() => (op === 'set' ? this.set() : this.remove()));
  }

  /** The service stops: no timer of this module runs on (its addresses stay, decision 0016). */
  close(): void {
    this.stopTimers();
    this.closed = true;
  }

  private closed = false;

  /**
   * Whether the VIPs held here are still on their interfaces (SafeKit's ip checker, reference
   * §5.15): one removed from outside (`ip addr del`) sets ip.<addr> down, and the failover rules
   * decide (`ip_failure`: stopstart); it is not put back behind their back.
   */
  checkPresence(): void {
    const present = (this.held ?? []).filter((h) => h.present);
    if (present.length === 0 || this.closed) return;
    void this.serial(async () => {
      const all = await this.host.addresses.list();
      for (const h of (this.held ?? []).filter((x) => x.present)) {
        if (all.some((a) => a.addr === h.placed.addr && a.ifname === h.placed.ifname && a.keel)) continue;
        h.present = false;
        h.vanished = true;
        this.host.write('E', `Virtual IP ${h.placed.addr} disappeared from interface ${h.placed.ifname}`);
        if (h.vip.check) this.publish(`ip.${h.vip.addr}`, 'down', 'ipcheck');
      }
    }).catch((err: Error) =>
      this.host.logger.warn('cannot list the node addresses', { module: this.name, err }),
    );
  }

  /** Reads the carriers; reacts to a change. Called on every poll of the links. */
  pollLinks(): void {
    const changed = this.carriers.poll((this.held ?? []).map((h) => h.placed.ifname));
    for (const r of this.carriers.resources()) this.publish(r.name, r.value, 'intfcheck');
    if (this.closed) return;
    for (const c of changed) void this.serial(() => this.carrierChanged(c.ifname, c.carrier));
  }

  /** Every resource this module's VIPs set, again (a restarted admin, or one that reset them at STOP). */
  republish(): void {
    for (const [name, r] of this.published) this.host.setResource(name, r.value, r.component);
  }

  /** Where this module's VIPs go (for the carrier watch), resolved against the node's addresses. */
  async resolve(): Promise<void> {
    const all = await this.host.addresses.list();
    this.carriers.watch(checkedNetworks(this.host.plan.addresses, all));
    this.pollLinks();
  }

  private async set(): Promise<VipCommandResult> {
    const { host } = this;
    // A new placement starts from nothing of the last one: no announcement of it runs on.
    this.stopTimers();
    this.held = undefined;
    const all = await host.addresses.list();
    const held: Held[] = [];
    for (const vip of host.plan.addresses) {
      const p = placeVip(vip, all);
      if (!p.ok) return this.notSet(vip, p.reason, held);
      const outcome = await this.place(p.placed, all);
      if (typeof outcome === 'string') return this.notSet(vip, outcome, held);
      held.push({
        vip,
        placed: outcome,
        network: p.network,
        present: true,
        silentProbes: 0,
        vanished: false,
      });
    }
    this.held = held;
    for (const h of held) {
      this.announceFrom(h);
      if (h.vip.check) this.publish(`ip.${h.vip.addr}`, 'up', 'ipcheck');
    }
    this.countConnections();
    host.logger.info('virtual IPs set', { module: this.name, addresses: held.map((h) => h.placed) });
    return { ok: true, addresses: held.map((h) => h.placed) };
  }

  /** A placement that failed: nothing half-set, what this request placed goes again. */
  private async notSet(
    vip: VipAddressPlan,
    reason: string,
    placed: readonly Held[],
  ): Promise<VipCommandResult> {
    for (const h of placed) await this.withdraw(h.placed);
    if (vip.check) this.publish(`ip.${vip.addr}`, 'down', 'ipcheck');
    this.host.logger.error('virtual IP not set', { module: this.name, addr: vip.addr, reason });
    return { ok: false, message: `Virtual IP ${vip.addr} could not be set: ${reason}`, addresses: [] };
  }

  /**
   * Places one address, or adopts it when keel placed it there already (a restarted service):
   * what is on the interface now, or the reason it cannot be.
   */
  private async place(placed: PlacedVip, all: readonly NodeAddress[]): Promise<PlacedVip | string> {
    const { host } = this;
    const mine = all.find((a) => a.addr === placed.addr && a.ifname === placed.ifname && a.keel);
    if (mine) return { addr: mine.addr, prefix: mine.prefix, ifname: mine.ifname };
    const other = all.find((a) => a.addr === placed.addr);
    if (other) {
      return other.keel
        ? `it is on interface ${other.ifname} already, placed by keel`
        : `it is on interface ${other.ifname} of this node already, not placed by keel`;
    }
    const carrier = host.links.carrier(placed.ifname);
    if (carrier === undefined) return `interface ${placed.ifname} does not exist`;
    // Without a carrier the probe hears nobody, whoever holds the address.
    if (!carrier) return `interface ${placed.ifname} has no carrier`;
    try {
      const claimant = await host.addresses.conflict(placed.ifname, placed.addr, host.timing.conflictProbeMs);
      if (claimant !== undefined) return `host ${claimant} answers for it on the LAN of ${placed.ifname}`;
      await host.addresses.add(placed);
      return placed;
    } catch (err) {
      return err instanceof AddressError || err instanceof Error ? err.message : String(err);
    }
  }

  /**
   * Withdraws every address keel placed for this module's VIPs (held, or left by an earlier run),
   * then resets their connections (`tcpreset`): no new one can arrive once the address is gone.
   * What could not be withdrawn stays held, and the answer says so.
   */
  private async remove(): Promise<VipCommandResult> {
    const { host } = this;
    this.stopTimers();
    const all = await host.addresses.list();
    const removed: PlacedVip[] = [];
    const stayed: PlacedVip[] = [];
    const held = this.held ?? [];
    for (const vip of host.plan.addresses) {
      const mine = all.filter((a) => a.keel && a.addr === vip.addr);
      // Its connections go too when it had already left its interface (a dead link, or removed).
      const wasHeld = held.some((h) => h.vip.addr === vip.addr);
      for (const a of mine) {
        const placed = { addr: a.addr, prefix: a.prefix, ifname: a.ifname };
        if (await this.withdraw(placed)) removed.push(placed);
        else if (await this.stillThere(placed)) stayed.push(placed);
      }
      if ((mine.length > 0 || wasHeld) && host.plan.tcpreset) await this.resetConnections(vip.addr);
      if (vip.connections && this.published.has(`connections.${vip.addr}`))
        this.publish(`connections.${vip.addr}`, '0', 'vip');
      // A VIP that could not be placed is judged again at its next placement.
      if (vip.check && this.published.get(`ip.${vip.addr}`)?.value === 'down')
        this.publish(`ip.${vip.addr}`, 'init', 'ipcheck');
    }
    this.held =
      stayed.length === 0 ? undefined : held.filter((h) => stayed.some((s) => s.addr === h.placed.addr));
    if (removed.length > 0) host.logger.info('virtual IPs removed', { module: this.name, removed });
    if (stayed.length > 0) {
      return {
        ok: false,
        message: `Virtual IP ${stayed.map((a) => `${a.addr} on ${a.ifname}`).join(', ')} could not be removed`,
        addresses: removed,
      };
    }
    return { ok: true, addresses: removed };
  }

  private async stillThere(placed: PlacedVip): Promise<boolean> {
    const all = await this.host.addresses.list().catch(() => undefined);
    return all === undefined || all.some((a) => a.addr === placed.addr && a.ifname === placed.ifname);
  }

  private async resetConnections(addr: string): Promise<void> {
    try {
      await this.host.reset.resetFrom(addr);
    } catch (err) {
      this.host.logger.warn('cannot reset the TCP connections of a virtual IP', {
        module: this.name,
        addr,
        err,
      });
    }
  }

  private async withdraw(placed: PlacedVip): Promise<boolean> {
    try {
      return await this.host.addresses.remove(placed);
    } catch (err) {
      this.host.write(
        'E',
        `Virtual IP ${placed.addr} could not be removed from ${placed.ifname}: ${(err as Error).message}`,
      );
      return false;
    }
  }

  private async carrierChanged(ifname: string, carrier: boolean): Promise<void> {
    const held = (this.held ?? []).filter((h) => h.placed.ifname === ifname);
    if (held.length === 0) return;
    if (!carrier) {
      for (const h of held.filter((x) => x.present)) {
        h.present = false;
        h.silentProbes = 0;
        await this.withdraw(h.placed);
        this.host.write('E', `Virtual IP ${h.placed.addr} withdrawn: interface ${ifname} has no carrier`);
      }
      return;
    }
    await this.comeBack();
  }

  /**
   * Puts back the VIPs withdrawn from a dead link once nobody answered for them through
   * `comeBackProbes` probes in a row; while another host answers, it waits.
   */
  private async comeBack(): Promise<void> {
    this.retry?.cancel();
    this.retry = undefined;
    let waiting = false;
    for (const h of this.held ?? []) {
      if (h.present || h.vanished) continue;
      waiting = true;
      if (this.host.links.carrier(h.placed.ifname) !== true) {
        h.silentProbes = 0;
        continue;
      }
      try {
        const claimant = await this.host.addresses.conflict(
          h.placed.ifname,
          h.placed.addr,
          this.host.timing.conflictProbeMs,
        );
        h.silentProbes = claimant === undefined ? h.silentProbes + 1 : 0;
        if (h.silentProbes < this.host.timing.comeBackProbes) continue;
        await this.host.addresses.add(h.placed);
        h.present = true;
        this.host.write(
          'I',
          `Virtual IP ${h.placed.addr} set again: interface ${h.placed.ifname} has its carrier back`,
        );
        this.announceFrom(h);
      } catch (err) {
        h.silentProbes = 0;
        this.host.logger.warn('virtual IP not set again yet', {
          module: this.name,
          addr: h.placed.addr,
          err,
        });
      }
    }
    if (waiting && this.held?.some((h) => !h.present && !h.vanished) && !this.closed) {
      this.retry = this.host.clock.setTimer(
        this.host.timing.retryMs,
        () => void this.serial(() => this.comeBack()),
      );
    }
  }

  /** `connections="on"`: connections.<addr> now, then every connectionsEveryMs while held. */
  private countConnections(): void {
    const counted = (this.held ?? []).filter((h) => h.vip.connections);
    if (counted.length === 0) return;
    for (const h of counted) {
      this.host.reset
        .established(h.placed.addr)
        // A count that arrives after the VIP left says nothing any more.
        .then((n) => {
          if (this.held?.includes(h)) this.publish(`connections.${h.placed.addr}`, String(n), 'vip');
        })
        .catch((err: Error) =>
          this.host.logger.warn('cannot count the connections of a virtual IP', { addr: h.placed.addr, err }),
        );
    }
    this.after(this.host.timing.connectionsEveryMs, () => this.countConnections());
  }

  /** Announces a VIP that arrived: at once, at each repeat, then every arpinterval for arpelapse. */
  private announceFrom(h: Held): void {
    const { timing } = this.host;
    const once = () => {
      if (!h.present) return;
      this.host.addresses.announce(h.placed.ifname, h.placed.addr).catch((err: Error) =>
        this.host.logger.warn('cannot announce a virtual IP', {
          module: this.name,
          addr: h.placed.addr,
          err,
        }),
      );
    };
    once();
    for (const ms of timing.announceRepeatsMs) this.after(ms, once);
    const reroute = h.vip.reroute;
    if (!reroute || reroute.intervalMs <= 0) return;
    for (let at = reroute.intervalMs; at <= reroute.elapseMs; at += reroute.intervalMs) this.after(at, once);
  }

  private after(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = this.host.clock.setTimer(ms, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
  }

  private stopTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.retry?.cancel();
    this.retry = undefined;
  }

  private publish(name: string, value: string, component: string): void {
    if (this.published.get(name)?.value === value) return;
    this.published.set(name, { value, component });
    this.host.setResource(name, value, component);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
