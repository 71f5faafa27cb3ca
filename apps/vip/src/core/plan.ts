// What this node's vip service places (pure): for every module of this node with a <vip>, its
// virtual addresses and how each is announced (reference §5.6). Farm VIPs need the load-sharing
// filter, which is not built yet: a farm module's VIPs are refused, with that reason, rather than
// aliased on every node with nothing to share the traffic out.
import {
  canonicalAddress,
  moduleNodes,
  netmaskToPrefix,
  virtualIpProblem,
  type ClusterConfig,
  type NodeNote,
  type PlannedModule,
} from '@keel/config';
import { isIPv4 } from 'node:net';

export interface VipAddressPlan {
  readonly addr: string;
  readonly family: 4 | 6;
  /** `<virtual_addr netmask>` as a prefix length; undefined: the interface's own. */
  readonly prefix: number | undefined;
  /** `<interface name>`; undefined: the interface holding an address of the VIP's network. */
  readonly ifname: string | undefined;
  /** `<virtual_addr check>`: resource ip.<addr>. */
  readonly check: boolean;
  /** `<interface check>`: resource intf.<network>. */
  readonly checkInterface: boolean;
  /** `<virtual_addr connections>`: resource connections.<addr>, its established TCP connections. */
  readonly connections: boolean;
  /** `<interface arpreroute/arpinterval/arpelapse>`, in ms. */
  readonly reroute: { readonly intervalMs: number; readonly elapseMs: number } | undefined;
}

export interface VipModulePlan {
  readonly name: string;
  readonly addresses: readonly VipAddressPlan[];
  /** `<vip tcpreset>`: reset the VIP's TCP connections before it leaves. */
  readonly tcpreset: boolean;
}

export interface VipRefusal {
  readonly module: string;
  readonly reason: string;
}

export interface VipPlan {
  readonly node: string;
  readonly modules: readonly VipModulePlan[];
  readonly refused: readonly VipRefusal[];
  /** Installed modules whose configuration cannot be read: their VIPs are unknown. */
  readonly unreadable: readonly string[];
}

export function buildVipPlan(input: {
  readonly node: string;
  readonly cluster: ClusterConfig;
  readonly modules: readonly PlannedModule[];
  readonly unreadable?: readonly string[];
}): { plan: VipPlan; notes: NodeNote[] } {
  const modules: VipModulePlan[] = [];
  const refused: VipRefusal[] = [];
  for (const m of input.modules) {
    const vip = m.config.vip;
    if (!vip || !moduleNodes(m.config, input.cluster).includes(input.node)) continue;
    if (m.config.mode === 'farm') {
      refused.push({
        module: m.name,
        reason: 'farm virtual IPs (load sharing) are not supported yet; only mirror modules place a VIP',
      });
      continue;
    }
    const problems = vip.interfaces.flatMap((i) =>
      i.addresses.flatMap((a) => {
        const problem = virtualIpProblem(a.addr);
        return problem === undefined ? [] : [`virtual IP ${a.addr} ${problem}`];
      }),
    );
    if (problems.length > 0) {
      refused.push({ module: m.name, reason: problems.join('; ') });
      continue;
    }
    modules.push({
      name: m.name,
      tcpreset: vip.tcpreset,
      addresses: vip.interfaces.flatMap((i) =>
        i.addresses.map((a) => ({
          // As the kernel reports it, so the VIP and the node's addresses compare as strings.
          addr: canonicalAddress(a.addr) ?? a.addr,
          family: isIPv4(a.addr) ? (4 as const) : (6 as const),
          prefix: a.netmask === undefined ? undefined : netmaskToPrefix(a.netmask),
          ifname: i.name,
          check: a.check,
          checkInterface: i.check,
          connections: a.connections,
          // SafeKit sends gratuitous ARP for IPv4 only; keel announces IPv6 the same way (decision 0016).
          reroute: i.arpreroute
            ? { intervalMs: i.arpinterval * 1000, elapseMs: i.arpelapse * 1000 }
            : undefined,
        })),
      ),
    });
  }
  const notes: NodeNote[] = refused.map((r) => ({ level: 'warn', module: r.module, message: r.reason }));
  return { plan: { node: input.node, modules, refused, unreadable: input.unreadable ?? [] }, notes };
}
