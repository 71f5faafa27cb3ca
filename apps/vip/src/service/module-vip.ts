// The virtual IPs of one module on this node: placed when admin says `set` (the module becomes
// primary), withdrawn on `remove`, announced to the LAN each time they arrive, and watched:
//  - an interface that loses its carrier loses its VIPs at once (an address on a dead link serves
//    nobody, and would clash with the peer's when the link returns); they come back with the
//    carrier if the module still wants them and no other host answers for them meanwhile;
//  - intf.<network> follows the carrier (SafeKit's interface checker, reference §5.14), ip.<addr>
//    says whether the VIP could be placed (§5.15): its `down` has the failover rules decide.
// A request that cannot place every address withdraws those it placed: nothing is left half-set.
import type { PlacedVip, VipCommandResult, VipOp } from '@keel/bus';
import type { Clock, Logger, Timer } from '@keel/runtime';
import { placeVip } from '../core/placement';
import type { VipAddressPlan, VipModulePlan } from '../core/plan';
import { AddressError, type AddressPort, type ConnectionReset, type LinkPort } from '../ports/address.port';

export interface VipTiming {
  /** When a VIP that arrived is announced again, after the first announcement at once. */
  readonly announceRepeatsMs: readonly number[];
  /** How long a placement waits for another host to answer for the address. */
  readonly conflictProbeMs: number;
  /** How often withdrawn VIPs try to come back. */
  readonly retryMs: number;
}

export interface ModuleVipHost {
  readonly plan: VipModulePlan;
  readonly addresses: AddressPort;
  readonly links: LinkPort;
  readonly reset: ConnectionReset;
  readonly clock: Clock;
  readonly timing: VipTiming;
  readonly logger: Logger;
  /** A module log line (keel.v1.<module>.log). */
  write(level: 'I' | 'E', text: string): void;
  setResource(name: string, value: 'up' | 'down' | 'init', component: string): void;
}

interface Held {
  readonly vip: VipAddressPlan;
  readonly placed: PlacedVip;
  readonly network: string;
  /** On the interface now (false: withdrawn while its link was down). */
  present: boolean;
}

export class ModuleVip {
  /** The module's VIPs while admin wants them here (between `set` and `remove`). */
  private held: Held[] | undefined;
  private readonly timers = new Set<Timer>();
  private retry: Timer | undefined;
  private readonly published = new Map<string, { value: 'up' | 'down' | 'init'; component: string }>();
  private readonly carriers = new Map<string, boolean | undefined>();
  /** Serialises the commands and the link reactions of this module. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: ModuleVipHost) {}

  get name(): string {
    return this.host.plan.name;
  }

  command(op: VipOp): Promise<VipCommandResult> {
    return this.serial(() => (op === 'set' ? this.set() : this.remove()));
  }

  /** Withdraws everything at the service's stop. */
  shutdown(): Promise<VipCommandResult> {
    return this.serial(() => this.remove());
  }

  /** Reads the carriers; reacts to a change. Called on every poll of the links. */
  pollLinks(): void {
    for (const ifname of this.interfaces()) {
      const carrier = this.host.links.carrier(ifname);
      if (this.carriers.get(ifname) === carrier) continue;
      const known = this.carriers.has(ifname);
      this.carriers.set(ifname, carrier);
      this.publishInterfaces();
      if (known) void this.serial(() => this.carrierChanged(ifname, carrier === true));
    }
  }

  /** Every resource this module's VIPs set, again (a restarted admin, or one that reset them at STOP). */
  republish(): void {
    for (const [name, r] of this.published) this.host.setResource(name, r.value, r.component);
  }

  /** Where this module's VIPs go (for the carrier watch), resolved against the node's addresses. */
  async resolve(): Promise<void> {
    const all = await this.host.addresses.list();
    this.networks = this.host.plan.addresses.flatMap((vip) => {
      const p = placeVip(vip, all);
      return p.ok && vip.checkInterface ? [{ ifname: p.placed.ifname, network: p.network }] : [];
    });
    this.pollLinks();
  }

  private networks: { ifname: string; network: string }[] = [];

  private interfaces(): string[] {
    const names = new Set(this.networks.map((n) => n.ifname));
    for (const h of this.held ?? []) names.add(h.placed.ifname);
    return [...names];
  }

  private publishInterfaces(): void {
    for (const n of this.networks) {
      const carrier = this.carriers.get(n.ifname);
      this.publish(`intf.${n.network}`, carrier ? 'up' : 'down', 'intfcheck');
    }
  }

  private async set(): Promise<VipCommandResult> {
    const { host } = this;
    const all = await host.addresses.list();
    const held: Held[] = [];
    for (const vip of host.plan.addresses) {
      const p = placeVip(vip, all);
      const failure = p.ok ? await this.place(p.placed, all) : p.reason;
      if (failure !== undefined) {
        // Nothing half-set: what this request placed goes again.
        for (const h of held) await this.withdraw(h.placed);
        if (vip.check) this.publish(`ip.${vip.addr}`, 'down', 'ipcheck');
        const message = `Virtual IP ${vip.addr} could not be set: ${failure}`;
        host.logger.error('virtual IP not set', { module: this.name, addr: vip.addr, reason: failure });
        return { ok: false, message, addresses: [] };
      }
      if (!p.ok) continue; // unreachable: a failed placement returned above
      held.push({ vip, placed: p.placed, network: p.network, present: true });
    }
    this.stopTimers();
    this.held = held;
    for (const h of held) {
      this.announceFrom(h);
      if (h.vip.check) this.publish(`ip.${h.vip.addr}`, 'up', 'ipcheck');
    }
    host.logger.info('virtual IPs set', { module: this.name, addresses: held.map((h) => h.placed) });
    return { ok: true, addresses: held.map((h) => h.placed) };
  }

  /** Places one address (or adopts it when keel placed it already); the reason when it cannot. */
  private async place(placed: PlacedVip, all: readonly { addr: string; ifname: string; keel: boolean }[]) {
    const { host } = this;
    const here = all.find((a) => a.addr === placed.addr);
    if (here?.keel && here.ifname === placed.ifname) return undefined; // a restarted service adopts it
    if (here) {
      return here.keel
        ? `it is on interface ${here.ifname} already, placed by keel`
        : `it is on interface ${here.ifname} of this node already, not placed by keel`;
    }
    if (host.links.carrier(placed.ifname) === undefined) return `interface ${placed.ifname} does not exist`;
    try {
      const claimant = await host.addresses.conflict(placed.ifname, placed.addr, host.timing.conflictProbeMs);
      if (claimant !== undefined) return `host ${claimant} answers for it on the LAN of ${placed.ifname}`;
      await host.addresses.add(placed);
      return undefined;
    } catch (err) {
      return err instanceof AddressError || err instanceof Error ? err.message : String(err);
    }
  }

  private async remove(): Promise<VipCommandResult> {
    const { host } = this;
    this.stopTimers();
    const held = this.held;
    this.held = undefined;
    // Whatever keel placed for this module's addresses goes, held or left by an earlier run.
    const all = await host.addresses.list();
    const removed: PlacedVip[] = [];
    for (const vip of host.plan.addresses) {
      const mine = all.filter((a) => a.keel && a.addr === vip.addr);
      if (mine.length > 0 && host.plan.tcpreset) await this.resetConnections(vip.addr);
      for (const a of mine) {
        const placed = { addr: a.addr, prefix: a.prefix, ifname: a.ifname };
        if (await this.withdraw(placed)) removed.push(placed);
      }
      // A VIP that could not be placed is judged again at its next placement.
      if (vip.check && this.published.get(`ip.${vip.addr}`)?.value === 'down')
        this.publish(`ip.${vip.addr}`, 'init', 'ipcheck');
    }
    if (held || removed.length > 0) host.logger.info('virtual IPs removed', { module: this.name, removed });
    return { ok: true, addresses: removed };
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
        await this.withdraw(h.placed);
        this.host.write('E', `Virtual IP ${h.placed.addr} withdrawn: interface ${ifname} has no carrier`);
      }
      return;
    }
    await this.comeBack();
  }

  /** Puts back the VIPs withdrawn from a dead link, unless another host holds them now. */
  private async comeBack(): Promise<void> {
    this.retry?.cancel();
    this.retry = undefined;
    let waiting = false;
    for (const h of this.held ?? []) {
      if (h.present || this.host.links.carrier(h.placed.ifname) !== true) continue;
      try {
        const claimant = await this.host.addresses.conflict(
          h.placed.ifname,
          h.placed.addr,
          this.host.timing.conflictProbeMs,
        );
        if (claimant !== undefined) {
          waiting = true;
          continue;
        }
        await this.host.addresses.add(h.placed);
        h.present = true;
        this.host.write(
          'I',
          `Virtual IP ${h.placed.addr} set again: interface ${h.placed.ifname} has its carrier back`,
        );
        this.announceFrom(h);
      } catch (err) {
        waiting = true;
        this.host.logger.warn('virtual IP not set again yet', {
          module: this.name,
          addr: h.placed.addr,
          err,
        });
      }
    }
    if (waiting && this.held) {
      this.retry = this.host.clock.setTimer(
        this.host.timing.retryMs,
        () => void this.serial(() => this.comeBack()),
      );
    }
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

  private publish(name: string, value: 'up' | 'down' | 'init', component: string): void {
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
