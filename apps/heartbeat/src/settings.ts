// Everything the service needs before it starts, from the environment and the files:
//   KEEL_ETC (default /etc/keel): modules/<name>/conf/userconfig.xml and modules/<name>/id
//   KEEL_VAR (default /var/lib/keel): cluster/cluster.xml, cluster/cluster.key,
//            heartbeat/incarnation
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
//   KEEL_NATS_URL: the node-local bus (default nats://127.0.0.1:4222), reached with the
//            service's credential KEEL_ETC/bus/<service>.nk (docs/decisions/0010)
// A problem with the cluster, the key or the node name stops the start (NodeStartupError);
// a module that does not load is only left out (a note).
import { nodeBusUrl } from '@keel/bus';
import {
  installedModules,
  nodeBasics,
  nodeClusterKey,
  nodePaths,
  type ClusterConfig,
  type Machine,
  type NodeEnv,
  type NodePaths,
} from '@keel/config';
import { join } from 'node:path';
import { buildPlan, type HeartbeatPlan, type PlanNote } from './core/plan';

export interface HeartbeatPaths extends NodePaths {
  readonly incarnationFile: string;
}

export function heartbeatPaths(env: NodeEnv): HeartbeatPaths {
  return withIncarnationFile(nodePaths(env));
}

function withIncarnationFile(paths: NodePaths): HeartbeatPaths {
  return { ...paths, incarnationFile: join(paths.var, 'heartbeat', 'incarnation') };
}

export interface HeartbeatSettings {
  readonly paths: HeartbeatPaths;
  readonly natsUrl: string;
  readonly cluster: ClusterConfig;
  readonly node: string;
  readonly clusterKey: Uint8Array;
  readonly plan: HeartbeatPlan;
  /** What to log at start: modules left out, derived ids, timing advice. */
  readonly notes: readonly PlanNote[];
}

/** Throws NodeStartupError. */
export function resolveHeartbeatSettings(env: NodeEnv, machine?: Machine): HeartbeatSettings {
  const { paths: base, cluster, node } = nodeBasics(env, machine);
  const paths = withIncarnationFile(base);
  const clusterKey = nodeClusterKey(paths);

  const { modules, notes: found } = installedModules(paths.modulesDir, cluster, env);
  const notes: PlanNote[] = [...found];
  const built = buildPlan({ node, cluster, modules });
  notes.push(...built.notes);
  return {
    paths,
    natsUrl: nodeBusUrl(env),
    cluster,
    node,
    clusterKey,
    plan: built.plan,
    notes,
  };
}
