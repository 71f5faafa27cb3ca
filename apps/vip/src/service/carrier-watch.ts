// The carriers of the interfaces a module's VIPs use, as last read: which changed at each poll,
// and what intf.<network> each network's interface says (SafeKit's interface checker, reference
// §5.14). Bookkeeping only: the reads come from the LinkPort, the reactions from ModuleVip.
import type { LinkPort } from '../ports/address.port';

export interface WatchedNetwork {
  readonly ifname: string;
  /** The network address, as in intf.<network>. */
  readonly network: string;
}

export class CarrierWatch {
  private readonly carriers = new Map<string, boolean | undefined>();
  private networks: readonly WatchedNetwork[] = [];

  constructor(private readonly links: LinkPort) {}

  /** The networks whose interface carries a VIP with `<interface check="on">`. */
  watch(networks: readonly WatchedNetwork[]): void {
    this.networks = networks;
  }

  /**
   * Reads the carriers of the watched interfaces and of `more`; the interfaces whose carrier
   * changed since the last read, a first read not counting as a change.
   */
  poll(more: readonly string[]): { ifname: string; carrier: boolean }[] {
    const changed: { ifname: string; carrier: boolean }[] = [];
    for (const ifname of new Set([...this.networks.map((n) => n.ifname), ...more])) {
      const carrier = this.links.carrier(ifname);
      if (this.carriers.has(ifname) && this.carriers.get(ifname) === carrier) continue;
      const known = this.carriers.has(ifname);
      this.carriers.set(ifname, carrier);
      if (known) changed.push({ ifname, carrier: carrier === true });
    }
    return changed;
  }

  /** intf.<network> of every watched network, as its interface's carrier says. */
  resources(): { name: string; value: 'up' | 'down' }[] {
    return this.networks.map((n) => ({
      name: `intf.${n.network}`,
      value: this.carriers.get(n.ifname) ? 'up' : 'down',
    }));
  }
}
