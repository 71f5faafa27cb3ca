// The node's addresses and the frames that announce them, as a port: the service never talks to
// the kernel itself, so its tests run against a twin (test/support/address-twin.ts), and the real
// adapter (adapters/native-addresses.ts) is rtnetlink and a raw socket (native/crates/keel-vip).
import type { PlacedVip } from '@keel/bus';

/** An address on one of this node's interfaces. `keel`: placed by keel (its rtnetlink marker). */
export interface NodeAddress {
  readonly ifname: string;
  readonly addr: string;
  readonly prefix: number;
  readonly keel: boolean;
}

/** Why an address could not be placed: a stable code and a sentence. */
export class AddressError extends Error {
  constructor(
    readonly code: 'EXISTS' | 'NO_INTERFACE' | 'PERMISSION' | 'BAD_ADDRESS' | 'IO',
    message: string,
  ) {
    super(message);
    this.name = 'AddressError';
  }
}

export interface AddressPort {
  list(): Promise<readonly NodeAddress[]>;
  /** Places an address with keel's marker; AddressError when it cannot. */
  add(a: PlacedVip): Promise<void>;
  /** Withdraws an address; false when it was not there. */
  remove(a: PlacedVip): Promise<boolean>;
  /** One gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6) for the address. */
  announce(ifname: string, addr: string): Promise<void>;
  /** The MAC of another host answering for the address on the interface's LAN, if any. */
  conflict(ifname: string, addr: string, timeoutMs: number): Promise<string | undefined>;
}

/** Whether an interface has its carrier: undefined when there is no such interface. */
export interface LinkPort {
  carrier(ifname: string): boolean | undefined;
}

/** The TCP connections a VIP holds. */
export interface VipConnections {
  /** `<vip tcpreset>`: ends them as the VIP leaves. */
  resetFrom(addr: string): Promise<void>;
  /** `<virtual_addr connections="on">`: how many are established now. */
  established(addr: string): Promise<number>;
}

export const ADDRESSES = Symbol.for('keel.vip.addresses');
export const LINKS = Symbol.for('keel.vip.links');
export const VIP_CONNECTIONS = Symbol.for('keel.vip.connections');
export const VIP_PLAN = Symbol.for('keel.vip.plan');
export const VIP_OPTIONS = Symbol.for('keel.vip.options');
