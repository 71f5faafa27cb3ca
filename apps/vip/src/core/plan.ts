// What this node's vip service places (pure): for every module of this node with a <vip>, its
// virtual addresses and how each is announced (reference §5.6); for a farm module also the
// virtual MAC of each address and the load-balancing rules of each group (decisions 0017, 0018).
// What the farm filter cannot do is refused with the reason rather than half-served.
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
import type { FarmFilterRule } from './farm-filter';
import { farmFilterProblems } from './farm-filter-problems';

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
  /** Farm only: the virtual MAC clients reach the VIP at (`<virtual_interface addr>` or its default). */
  readonly vmac?: string;
}

/** A farm module's load sharing on this node. */
export interface FarmVipPlan {
  /** This node's cluster.xml name: the farm views name bucket owners by it. */
  readonly node: string;
  /** `<loadbalancing_list>` in order: group i is the views' group i and the filter's set g<i>. */
  readonly groups: readonly { readonly name: string; readonly rules: readonly FarmFilterRule[] }[];
}

export interface VipModulePlan {
  readonly name: string;
  readonly addresses: readonly VipAddressPlan[];
  /** `<vip tcpreset>`: reset the VIP's TCP connections before it leaves. */
  readonly tcpreset: boolean;
  /** A farm module's: its VIP is on every UP node, its traffic shared out by the filter. */
  readonly farm?: FarmVipPlan;
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
    const farm = m.config.mode === 'farm';
    const problems = farm
      ? farmProblems(vip)
      : vip.interfaces.flatMap((i) =>
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
      ...(farm
        ? {
            farm: {
              node: input.node,
              groups: vip.groups.map((g) => ({
                name: g.name,
                rules: g.rules.map((r) => ({
                  virtualAddr: r.virtualAddr,
                  port: r.port,
                  proto: r.proto,
                  filter: r.filter,
                })),
              })),
            },
          }
        : {}),
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
          ...(farm
            ? { vmac: i.virtualInterface?.mac ?? defaultVirtualMac(i.addresses[0]?.addr ?? a.addr) }
            : {}),
        })),
      ),
    });
  }
  const notes: NodeNote[] = refused.map((r) => ({ level: 'warn', module: r.module, message: r.reason }));
  return { plan: { node: input.node, modules, refused, unreadable: input.unreadable ?? [] }, notes };
}

/** What keel's farm cannot serve in a farm module's <vip>, each with where it is written. */
function farmProblems(vip: NonNullable<PlannedModule['config']['vip']>): string[] {
  const problems = farmFilterProblems(vip).map((issue) => issue.toString());
  for (const i of vip.interfaces)
    for (const a of i.addresses)
      if (!isIPv4(a.addr))
        // The kernel may take an IPv6 VIP as the source of its own solicitations, which would teach
        // clients a node's real MAC for it; arp_announce has no IPv6 counterpart (decision 0017).
        problems.push(`farm virtual IP ${a.addr}: only IPv4 farm VIPs are supported`);
  return problems;
}

/** SafeKit's default virtual MAC (reference §5.6.3): 5a:fe: and the first VIP's four bytes in hex. */
export function defaultVirtualMac(addr: string): string {
  const bytes = isIPv4(addr) ? addr.split('.').map(Number) : [0, 0, 0, 0];
  return ['5a', 'fe', ...bytes.map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
