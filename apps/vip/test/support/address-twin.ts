// The node's addresses and links in memory: what the vip service placed, what the LAN answers
// for, which frames it announced. Pure bookkeeping for the unit tests; the real kernel is tested
// by native/crates/keel-vip and the lab.
import type { PlacedVip } from '@keel/bus';
import {
  AddressError,
  type AddressPort,
  type VipConnections,
  type LinkPort,
  type NodeAddress,
} from '../../src/ports/address.port';

export class AddressTwin implements AddressPort, LinkPort, VipConnections {
  readonly addresses: NodeAddress[] = [];
  /** Interfaces and their carrier. */
  readonly links = new Map<string, boolean>([
    ['eth0', true],
    ['eth1', true],
  ]);
  /** Another host on the LAN answering for an address: its MAC. */
  readonly lan = new Map<string, string>();
  readonly announced: string[] = [];
  readonly resets: string[] = [];
  /** An add of this address fails with this error. */
  failing = new Map<string, AddressError>();

  constructor(
    own: readonly Omit<NodeAddress, 'keel'>[] = [
      { ifname: 'eth0', addr: '198.18.0.1', prefix: 24 },
      { ifname: 'eth1', addr: '198.18.1.1', prefix: 24 },
    ],
  ) {
    this.addresses.push(...own.map((a) => ({ ...a, keel: false })));
  }

  keelAddresses(): string[] {
    return this.addresses.filter((a) => a.keel).map((a) => `${a.ifname} ${a.addr}/${a.prefix}`);
  }

  async list(): Promise<readonly NodeAddress[]> {
    return this.addresses.map((a) => ({ ...a }));
  }

  async add(a: PlacedVip): Promise<void> {
    const failure = this.failing.get(a.addr);
    if (failure) throw failure;
    if (!this.links.has(a.ifname)) throw new AddressError('NO_INTERFACE', `no interface ${a.ifname}`);
    if (this.addresses.some((x) => x.addr === a.addr && x.ifname === a.ifname))
      throw new AddressError('EXISTS', `${a.addr} is on ${a.ifname} already`);
    this.addresses.push({ ...a, keel: true });
  }

  async remove(a: PlacedVip): Promise<boolean> {
    const i = this.addresses.findIndex(
      (x) => x.addr === a.addr && x.ifname === a.ifname && x.prefix === a.prefix,
    );
    if (i < 0) return false;
    this.addresses.splice(i, 1);
    return true;
  }

  async announce(ifname: string, addr: string): Promise<void> {
    this.announced.push(`${ifname} ${addr}`);
  }

  async conflict(ifname: string, addr: string): Promise<string | undefined> {
    return this.links.get(ifname) ? this.lan.get(addr) : undefined;
  }

  carrier(ifname: string): boolean | undefined {
    return this.links.get(ifname);
  }

  async resetFrom(addr: string): Promise<void> {
    this.resets.push(addr);
  }

  /** Established connections per address. */
  readonly connections = new Map<string, number>();

  async established(addr: string): Promise<number> {
    return this.connections.get(addr) ?? 0;
  }
}
