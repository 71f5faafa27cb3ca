// What this node's heartbeat service does for its farm modules (pure): per farm module, the
// membership port, pulse and loss counts, and per `<farm><lan>` where this node listens and where
// every other node of the module listens; and the load-balancing groups whose bucket owners the
// views carry (docs/decisions/0017, reference §5.5 and §5.6).
import { createHash } from 'node:crypto';
import {
  defaultPorts,
  lanEndpoints,
  moduleNodes,
  type ClusterConfig,
  type Endpoint,
  type NodeNote,
  type PlannedModule,
} from '@keel/config';
import type { FarmGroup } from '@keel/engine';
import { farmPacketSize } from '../wire/farm-codec';
import { BUCKETS, MAX_FARM_GROUPS, MAX_FARM_MEMBERS } from '../wire/farm-packet';
import { MAX_LAN_NAME, MAX_NODE_NAME, MAX_PACKET_BYTES, MODULE_NAME } from '../wire/packet';

export interface FarmLanPlan {
  readonly lan: string;
  /** Where this node listens and sends from. */
  readonly local: Endpoint;
  /** Every other node of the module on this LAN. */
  readonly peers: readonly { readonly node: string; readonly remote: Endpoint }[];
}

export interface FarmModulePlan {
  readonly name: string;
  readonly id: number;
  readonly port: number;
  readonly pulseMs: number;
  readonly mlostCount: number;
  readonly slostCount: number;
  /** Every node of the module, this one included. */
  readonly nodes: readonly string[];
  readonly lans: readonly FarmLanPlan[];
  /** `<loadbalancing_list>` in order; hosts default to every node with power 1. */
  readonly groups: readonly FarmGroup[];
  /** The groups hashed to 32 bits: every node of the farm must have the same. */
  readonly groupsDigest: number;
}

export function planFarm(
  node: string,
  cluster: ClusterConfig,
  m: PlannedModule,
  notes: NodeNote[],
): FarmModulePlan | undefined {
  const note = (level: NodeNote['level'], message: string) => {
    notes.push({ level, module: m.name, message });
    return undefined;
  };
  const { config } = m;
  const farm = config.farm;
  if (!MODULE_NAME.test(m.name) || m.name === 'node')
    return note('error', 'module name must match [A-Za-z0-9_-]{1,64} and not be "node"');
  if (!farm) return note('error', 'farm module without <farm>');
  if (farm.lans.some((l) => l.name === undefined))
    return note(
      'error',
      'legacy <farm><lan><node> syntax is not supported by keel; name a cluster LAN with <lan name>',
    );
  const nodes = moduleNodes(config, cluster);
  if (!nodes.includes(node)) return note('info', `not a module of node ${node} (nodes: ${nodes.join(', ')})`);
  if (nodes.length > MAX_FARM_MEMBERS) return note('error', `more than ${MAX_FARM_MEMBERS} farm nodes`);
  if (nodes.some((n) => n.length > MAX_NODE_NAME))
    return note('error', 'node names longer than 253 characters');
  const port = farm.port ?? defaultPorts(m.id).farm;
  const lans: FarmLanPlan[] = [];
  for (const l of farm.lans) {
    const lan = l.name as string;
    if (lan.length > MAX_LAN_NAME)
      return note('error', `LAN name ${lan} is longer than ${MAX_LAN_NAME} characters`);
    const peers: { node: string; remote: Endpoint }[] = [];
    let local: Endpoint | undefined;
    for (const other of nodes.filter((n) => n !== node)) {
      const ends = lanEndpoints(cluster, lan, node, other, port);
      if (!ends)
        return note('error', `LAN ${lan} does not reach both ${node} and ${other} in ${cluster.file}`);
      local = ends.local;
      peers.push({ node: other, remote: ends.remote });
    }
    const self = cluster.lans.find((c) => c.name === lan)?.nodes.find((n) => n.name === node);
    if (!self) return note('error', `LAN ${lan} does not reach ${node} in ${cluster.file}`);
    lans.push({ lan, local: local ?? { address: self.laddr ?? self.addr, port }, peers });
  }
  const groups: FarmGroup[] = (config.vip?.groups ?? []).map((g) => ({
    name: g.name,
    hosts: (g.hosts ?? nodes.map((name) => ({ name, power: 1 }))).map((h) => ({
      name: h.name,
      power: h.power,
    })),
  }));
  if (groups.length > MAX_FARM_GROUPS)
    return note('error', `more than ${MAX_FARM_GROUPS} load-balancing groups`);
  // A leader's packet carries every member and every group's owners: it must fit one datagram.
  const longestLan = lans.reduce((a, l) => (l.lan.length > a.length ? l.lan : a), '');
  const worst = farmPacketSize({
    module: m.name,
    sender: node,
    lan: longestLan,
    view: {
      leader: node,
      epoch: 0,
      groupsDigest: 0,
      members: nodes,
      owners: groups.map(() => new Array(BUCKETS).fill(null)),
    },
  });
  if (worst > MAX_PACKET_BYTES)
    return note(
      'error',
      `the farm view would not fit one ${MAX_PACKET_BYTES}-byte packet (${worst}): fewer nodes, shorter names or fewer groups`,
    );
  return {
    name: m.name,
    id: m.id,
    port,
    pulseMs: farm.pulse,
    mlostCount: farm.mlostCount,
    slostCount: farm.slostCount,
    nodes,
    lans,
    groups,
    groupsDigest: createHash('sha256').update(JSON.stringify(groups)).digest().readUInt32BE(0),
  };
}
