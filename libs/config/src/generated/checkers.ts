import { IssueSink } from '../errors';
import { IntfChecker, IpChecker, ModuleConfig } from '../model/module';
import { netmaskToPrefix, networkOf, sameNetwork } from './ip-math';

/** One address configured on this node, as `ip -j addr` reports it. */
export interface LocalAddress {
  readonly addr: string;
  readonly prefix: number;
  readonly ifname?: string;
}

export interface GeneratedCheckers {
  readonly intf: readonly IntfChecker[];
  readonly ip: readonly IpChecker[];
}

/**
 * The checkers SafeKit adds on each node (reference §5.14-5.15, §15.10-15.11): an ip checker per
 * virtual address with check="on" (when=prim in a mirror, both in a farm), and an interface checker
 * per network carrying a VIP of an `<interface check="on">`, named after the network address and
 * watching this node's first address in it. The VIP's netmask comes from `netmask`, else from the
 * local address whose network holds the VIP.
 */
export function generatedCheckers(
  m: ModuleConfig,
  local: readonly LocalAddress[],
  sink: IssueSink,
): GeneratedCheckers {
  const intf: IntfChecker[] = [];
  const ip: IpChecker[] = [];
  const when = m.mode === 'farm' ? 'both' : 'prim';
  for (const iface of m.vip?.interfaces ?? []) {
    for (const vip of iface.addresses) {
      if (vip.check)
        ip.push({
          kind: 'ip',
          ident: vip.addr,
          when,
          addr: vip.addr,
          interval: 10,
          generated: true,
          loc: vip.loc,
        });
      if (!iface.check) continue;
      const carrier = local.find((l) =>
        sameNetwork(l.addr, vip.addr, vip.netmask !== undefined ? netmaskToPrefix(vip.netmask) : l.prefix),
      );
      if (!carrier) {
        sink.add(
          vip.loc,
          `no local address is in the network of virtual address ${vip.addr}, so its interface cannot be checked`,
          'addr',
        );
        continue;
      }
      const prefix = vip.netmask !== undefined ? netmaskToPrefix(vip.netmask) : carrier.prefix;
      const ident = networkOf(vip.addr, prefix) as string;
      if (intf.some((c) => c.ident === ident)) continue;
      intf.push({
        kind: 'intf',
        ident,
        when: 'pre',
        localAddr: carrier.addr,
        generated: true,
        loc: iface.loc,
      });
    }
  }
  return { intf, ip };
}
