import { IssueSink } from '../errors';
import { ClusterConfig } from '../model/cluster';
import { ModuleConfig } from '../model/module';
import { checkArbiterAgainstCluster } from './arbiter';

export interface Placement {
  /** The nodes the module is installed on; defaults to every node of the LANs it uses. */
  readonly nodes?: readonly string[];
}

/** The nodes a module runs on, as its LANs and the placement say. */
export function moduleNodes(m: ModuleConfig, cluster: ClusterConfig, placement: Placement = {}): string[] {
  if (placement.nodes) return [...placement.nodes];
  const lanNames = usedLans(m);
  if (lanNames.length === 0) return [...cluster.nodes];
  const names = new Set<string>();
  for (const lan of cluster.lans.filter((l) => lanNames.includes(l.name)))
    lan.nodes.forEach((n) => names.add(n.name));
  return [...names];
}

function usedLans(m: ModuleConfig): string[] {
  const names = [
    ...(m.heart?.heartbeats ?? []).map((h) => h.name),
    ...(m.farm?.lans ?? []).map((l) => l.name),
  ];
  return names.filter((n): n is string => n !== undefined);
}

/** Checks a module against the cluster it is applied to: LAN names, node names, node count. */
export function checkModuleAgainstCluster(
  m: ModuleConfig,
  cluster: ClusterConfig,
  sink: IssueSink,
  placement: Placement = {},
): void {
  checkArbiterAgainstCluster(m, cluster, sink);
  const lans = new Map(cluster.lans.map((l) => [l.name, l]));
  const known = cluster.lans.map((l) => l.name).join(', ');
  const nodes = moduleNodes(m, cluster, placement);

  for (const n of placement.nodes ?? []) {
    if (!cluster.nodes.includes(n))
      sink.add(
        m.service.loc,
        `node '${n}' is not a node of ${cluster.file} (nodes: ${cluster.nodes.join(', ')})`,
      );
  }
  const lanRefs = [
    ...(m.heart?.heartbeats ?? []).map((h) => ({ name: h.name, loc: h.loc, what: 'heartbeat' })),
    ...(m.farm?.lans ?? []).map((l) => ({ name: l.name, loc: l.loc, what: 'farm' })),
    ...(m.rfs?.flow?.name !== undefined
      ? [{ name: m.rfs.flow.name, loc: m.rfs.loc, what: 'replication flow' }]
      : []),
  ];
  let unknownLan = false;
  for (const ref of lanRefs) {
    if (ref.name === undefined) continue;
    const lan = lans.get(ref.name);
    if (!lan) {
      sink.add(ref.loc, `LAN '${ref.name}' is not defined in ${cluster.file} (LANs: ${known})`, 'name');
      unknownLan = true;
      continue;
    }
    const missing = nodes.filter((n) => !lan.nodes.some((ln) => ln.name === n));
    if (missing.length > 0)
      sink.add(ref.loc, `LAN '${ref.name}' does not reach module node(s) ${missing.join(', ')}`, 'name');
  }

  // Without all its LANs the node set is unknown: counting it would only add a misleading error.
  if (unknownLan) return;
  if (m.mode === 'mirror' && nodes.length !== 2) {
    sink.add(
      m.service.loc,
      `a mirror module runs on exactly 2 nodes; this one would run on ${nodes.length} (${nodes.join(', ')})`,
      'mode',
    );
  }
  const dp = m.service.defaultprim;
  if (m.mode === 'mirror' && dp !== 'alone' && dp !== 'lastprim' && !nodes.includes(dp)) {
    sink.add(
      m.service.loc,
      `defaultprim '${dp}' must be alone, lastprim or a node of the module (${nodes.join(', ')})`,
      'defaultprim',
    );
  }
  for (const g of m.vip?.groups ?? []) {
    for (const h of g.hosts ?? []) {
      if (!nodes.includes(h.name))
        sink.add(h.loc, `host '${h.name}' is not a node of this farm (${nodes.join(', ')})`, 'name');
    }
  }
}
