// Where a virtual IP goes on this node (pure): the interface named by `<interface name>`, else the
// one holding an address of the VIP's network (reference §5.6.3 "auto-detected"); its prefix is
// `netmask`, else that address's. Addresses keel placed itself never decide where the next goes.
import { networkOf, sameNetwork } from '@keel/config';
import type { PlacedVip } from '@keel/bus';
import type { VipAddressPlan } from './plan';
import type { NodeAddress } from '../ports/address.port';

export type Placement =
  | { readonly ok: true; readonly placed: PlacedVip; readonly network: string }
  | { readonly ok: false; readonly reason: string };

export function placeVip(vip: VipAddressPlan, addresses: readonly NodeAddress[]): Placement {
  const own = addresses.filter((a) => !a.keel && familyOf(a.addr) === vip.family);
  const carrier = own.find(
    (a) =>
      (vip.ifname === undefined || a.ifname === vip.ifname) &&
      sameNetwork(a.addr, vip.addr, vip.prefix ?? a.prefix),
  );
  const ifname = vip.ifname ?? carrier?.ifname;
  if (ifname === undefined) {
    return {
      ok: false,
      reason: `no interface of this node has an address in the network of virtual IP ${vip.addr}; name one with <interface name>`,
    };
  }
  // A named interface without an address of the network: the VIP alone, as a host address.
  const prefix = vip.prefix ?? carrier?.prefix ?? (vip.family === 4 ? 32 : 128);
  return {
    ok: true,
    placed: { addr: vip.addr, prefix, ifname },
    network: networkOf(vip.addr, prefix) ?? vip.addr,
  };
}

/** The interfaces and networks whose carrier says intf.<network>: those of `<interface check="on">`. */
export function checkedNetworks(
  vips: readonly VipAddressPlan[],
  addresses: readonly NodeAddress[],
): { ifname: string; network: string }[] {
  return vips.flatMap((vip) => {
    const p = placeVip(vip, addresses);
    return p.ok && vip.checkInterface ? [{ ifname: p.placed.ifname, network: p.network }] : [];
  });
}

export function familyOf(addr: string): 4 | 6 {
  return addr.includes(':') ? 6 : 4;
}
