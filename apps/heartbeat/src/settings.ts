// Everything the service needs before it starts, from the environment and the files:
//   KEEL_ETC (default /etc/keel): modules/<name>/conf/userconfig.xml and modules/<name>/id
//   KEEL_VAR (default /var/lib/keel): cluster/cluster.xml, cluster/cluster.key,
//            heartbeat/incarnation
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
//   KEEL_NATS_URL: the node-local bus (default nats://127.0.0.1:4222)
// A problem with the cluster, the key or the node name stops the start (HeartbeatStartupError);
// a module that does not load is only left out (a note).
import { DEFAULT_NATS_URL } from '@keel/bus';
import {
  installedModules,
  loadClusterConfig,
  loadClusterKeyFile,
  resolveNodeName,
  thisMachine,
  type ClusterConfig,
  type Machine,
} from '@keel/config';
import { join } from 'node:path';
import { buildPlan, type HeartbeatPlan, type PlanNote } from './core/plan';

export type Env = Readonly<Record<string, string | undefined>>;

export interface HeartbeatPaths {
  readonly etc: string;
  readonly var: string;
  readonly clusterFile: string;
  readonly keyFile: string;
  readonly modulesDir: string;
  readonly incarnationFile: string;
}

export function heartbeatPaths(env: Env): HeartbeatPaths {
  const etc = env['KEEL_ETC'] || '/etc/keel';
  const varDir = env['KEEL_VAR'] || '/var/lib/keel';
  return {
    etc,
    var: varDir,
    clusterFile: join(varDir, 'cluster', 'cluster.xml'),
    keyFile: join(varDir, 'cluster', 'cluster.key'),
    modulesDir: join(etc, 'modules'),
    incarnationFile: join(varDir, 'heartbeat', 'incarnation'),
  };
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

/** The service cannot start; the message says what to fix. */
export class HeartbeatStartupError extends Error {
  override readonly name = 'HeartbeatStartupError';
}

export function resolveHeartbeatSettings(env: Env, machine: Machine = thisMachine()): HeartbeatSettings {
  const paths = heartbeatPaths(env);
  let cluster: ClusterConfig;
  try {
    cluster = loadClusterConfig(paths.clusterFile);
  } catch (err) {
    throw new HeartbeatStartupError((err as Error).message, { cause: err });
  }
  const named = resolveNodeName({ ...machine, explicit: env['KEEL_NODE'] }, cluster);
  if (!named.ok) throw new HeartbeatStartupError(named.message);
  let clusterKey: Uint8Array;
  try {
    clusterKey = loadClusterKeyFile(paths.keyFile);
  } catch (err) {
    throw new HeartbeatStartupError((err as Error).message, { cause: err });
  }

  const { modules, notes: found } = installedModules(paths.modulesDir, cluster, env);
  const notes: PlanNote[] = [...found];
  const built = buildPlan({ node: named.node, cluster, modules });
  notes.push(...built.notes);
  return {
    paths,
    natsUrl: env['KEEL_NATS_URL'] || DEFAULT_NATS_URL,
    cluster,
    node: named.node,
    clusterKey,
    plan: built.plan,
    notes,
  };
}
