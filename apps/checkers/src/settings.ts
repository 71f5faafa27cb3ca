// Everything the checkers service needs before it starts, from the environment and the files:
//   KEEL_ETC (default /etc/keel): modules/<name>/conf/userconfig.xml and bin/
//   KEEL_VAR (default /var/lib/keel): cluster/cluster.xml
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
//   KEEL_NATS_URL: the node-local bus, reached with KEEL_ETC/bus/checkers.nk (docs/decisions/0010)
// A problem with the cluster or the node name stops the start (NodeStartupError); a module that
// cannot run is left out with a note, as every service does.
import { nodeBusUrl } from '@keel/bus';
import {
  installedModules,
  modulePaths,
  nodeBasics,
  type ClusterConfig,
  type Machine,
  type NodeEnv,
  type NodeNote,
  type NodePaths,
} from '@keel/config';
import { buildCheckersPlan, type CheckersPlan } from './core/plan';

export interface CheckersSettings {
  readonly paths: NodePaths;
  readonly natsUrl: string;
  readonly cluster: ClusterConfig;
  readonly node: string;
  readonly plan: CheckersPlan;
  readonly notes: readonly NodeNote[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Throws NodeStartupError. */
export function resolveCheckersSettings(env: NodeEnv, machine?: Machine): CheckersSettings {
  const { paths, cluster, node } = nodeBasics(env, machine);
  const { modules, notes } = installedModules(paths.modulesDir, cluster, env);
  // A module checker aimed at this node's own cluster.xml address follows a module of this node.
  const localAddrs = cluster.lans.flatMap((l) =>
    l.nodes.filter((n) => n.name === node).flatMap((n) => [n.addr, ...(n.laddr ? [n.laddr] : [])]),
  );
  const plan = buildCheckersPlan({
    node,
    cluster,
    modules,
    bin: (module) => modulePaths(paths, module).bin,
    localAddrs,
  });
  return {
    paths,
    natsUrl: nodeBusUrl(env),
    cluster,
    node,
    plan,
    notes: [
      ...notes,
      ...(plan.modules.length === 0
        ? [{ level: 'info' as const, module: '-', message: 'no module with checkers or errd on this node' }]
        : []),
    ],
    env,
  };
}
