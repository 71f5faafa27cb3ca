// What this node's heartbeat service does (pure): for every mirror module installed on this
// node, its peer, port, and per heartbeat LAN the local and remote endpoints and the times; for
// every farm module, its membership (farm-plan.ts).
import {
  defaultPorts,
  heartbeatTimingAdvice,
  lanEndpoints,
  moduleNodes,
  type ClusterConfig,
  type Endpoint,
  type PlannedModule,
  type NodeNote,
} from '@keel/config';
import { MAX_LAN_NAME, MAX_NODE_NAME, MODULE_NAME } from '../wire/packet';
import { planFarm, type FarmModulePlan } from './farm-plan';

export interface HeartbeatLanPlan {
  /** cluster.xml LAN name. */
  readonly lan: string;
  /** Resource heartbeat.<ident>. */
  readonly ident: string;
  readonly pulseMs: number;
  readonly timeoutMs: number;
  /** Where this node listens and sends from: its laddr (behind NAT) or addr on the LAN. */
  readonly local: Endpoint;
  /** Where the peer listens: its addr on the LAN. */
  readonly remote: Endpoint;
}

export interface ModulePlan {
  readonly name: string;
  readonly id: number;
  readonly port: number;
  readonly peer: string;
  readonly heartbeats: readonly HeartbeatLanPlan[];
}

export interface HeartbeatPlan {
  readonly node: string;
  readonly modules: readonly ModulePlan[];
  readonly farms: readonly FarmModulePlan[];
}

/** What the plan reports about a module (the same notes as module discovery). */
export type PlanNote = NodeNote;

export interface PlanInput {
  readonly node: string;
  readonly cluster: ClusterConfig;
  readonly modules: readonly PlannedModule[];
}

/** At most this many heartbeat LANs per module (the heartbeat view carries at most 16). */
export const MAX_HEARTBEATS = 16;
const MAX_IDENT = 118; // heartbeat.<ident> is a resource name of at most 128 characters

export function buildPlan(input: PlanInput): { plan: HeartbeatPlan; notes: PlanNote[] } {
  const notes: PlanNote[] = [];
  const modules: ModulePlan[] = [];
  const farms: FarmModulePlan[] = [];
  const bound = new Map<string, string>();
  // The first module to claim a local UDP endpoint keeps it; a later one is left out, said.
  const claim = (module: string, locals: readonly Endpoint[], element: string): boolean => {
    const clash = locals.find((l) => bound.has(`${l.address}|${l.port}`));
    if (clash) {
      notes.push({
        level: 'error',
        module,
        message: `UDP ${clash.address}:${clash.port} is already used by module ${bound.get(`${clash.address}|${clash.port}`)}; set a distinct <${element} port> or module id`,
      });
      return false;
    }
    for (const l of locals) bound.set(`${l.address}|${l.port}`, module);
    return true;
  };
  for (const m of [...input.modules].sort((a, b) => a.id - b.id)) {
    if (m.config.mode === 'farm') {
      const farm = planFarm(input.node, input.cluster, m, notes);
      if (
        farm &&
        claim(
          m.name,
          farm.lans.map((l) => l.local),
          'farm',
        )
      )
        farms.push(farm);
      continue;
    }
    const planned = planModule(input.node, input.cluster, m, notes);
    if (
      planned &&
      claim(
        m.name,
        planned.heartbeats.map((h) => h.local),
        'heart',
      )
    )
      modules.push(planned);
  }
  return { plan: { node: input.node, modules, farms }, notes };
}

function planModule(
  node: string,
  cluster: ClusterConfig,
  m: PlanInput['modules'][number],
  notes: PlanNote[],
): ModulePlan | undefined {
  const note = (level: PlanNote['level'], message: string) => {
    notes.push({ level, module: m.name, message });
    return undefined;
  };
  const { config } = m;
  if (config.mode !== 'mirror') return note('info', `${config.mode} module: no mirror heartbeat`);
  if (!MODULE_NAME.test(m.name) || m.name === 'node') {
    return note('error', 'module name must match [A-Za-z0-9_-]{1,64} and not be "node"');
  }
  const heart = config.heart;
  if (!heart) return note('error', 'mirror module without <heart>');
  if (heart.heartbeats.some((h) => h.name === undefined)) {
    return note(
      'error',
      'legacy <heartbeat><server addr> syntax is not supported by keel; name a cluster LAN with <heartbeat name>',
    );
  }
  if (heart.heartbeats.length > MAX_HEARTBEATS)
    return note('error', `more than ${MAX_HEARTBEATS} heartbeats`);
  const nodes = moduleNodes(config, cluster);
  if (!nodes.includes(node)) return note('info', `not a module of node ${node} (nodes: ${nodes.join(', ')})`);
  const peers = nodes.filter((n) => n !== node);
  if (peers.length !== 1)
    return note('error', `a mirror module needs exactly one peer; found ${peers.length}`);
  const peer = peers[0];
  if (node.length > MAX_NODE_NAME || peer.length > MAX_NODE_NAME)
    return note('error', 'node names longer than 253 characters');

  const port = heart.port ?? defaultPorts(m.id).heartbeat;
  const heartbeats: HeartbeatLanPlan[] = [];
  for (const hb of heart.heartbeats) {
    const lanName = hb.name as string;
    const ends = lanEndpoints(cluster, lanName, node, peer, port);
    if (!ends)
      return note('error', `LAN ${lanName} does not reach both ${node} and ${peer} in ${cluster.file}`);
    if (lanName.length > MAX_LAN_NAME)
      return note('error', `LAN name ${lanName} is longer than ${MAX_LAN_NAME} characters`);
    if (hb.ident.length > MAX_IDENT)
      return note('error', `heartbeat ident ${hb.ident} is longer than ${MAX_IDENT} characters`);
    const advice = heartbeatTimingAdvice(hb.pulse, hb.timeout);
    if (advice) notes.push({ level: 'warn', module: m.name, message: `heartbeat ${hb.ident}: ${advice}` });
    heartbeats.push({
      lan: lanName,
      ident: hb.ident,
      pulseMs: hb.pulse,
      timeoutMs: hb.timeout,
      local: ends.local,
      remote: ends.remote,
    });
  }
  return { name: m.name, id: m.id, port, peer, heartbeats };
}
