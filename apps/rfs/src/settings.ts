// Everything the rfs service needs before it starts, from the environment and the files:
//   KEEL_ETC (default /etc/keel): modules/<name>/conf/userconfig.xml and modules/<name>/id
//   KEEL_VAR (default /var/lib/keel): cluster/cluster.xml, cluster/cluster.key,
//            modules/<name>/rfs (each daemon's state directory)
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
//   KEEL_NATS_URL: the node-local bus (default nats://127.0.0.1:4222)
//   KEEL_RFSD: the keel-rfsd binary (default native/target/release/keel-rfsd of this tree)
// A problem with the cluster, the node name or (when a module replicates) the cluster key stops
// the start (RfsStartupError); a module that cannot replicate is only refused (a note).
import { DEFAULT_NATS_URL } from '@keel/bus';
import {
  installedModules,
  loadClusterConfig,
  loadClusterKeyFile,
  resolveNodeName,
  thisMachine,
  type ClusterConfig,
  type Machine,
  type NodeNote,
} from '@keel/config';
import { join } from 'node:path';
import { resolveDaemonBinary } from './adapters/daemon-binary';
import { buildRfsPlan, type RfsPlan } from './core/plan';

export type Env = Readonly<Record<string, string | undefined>>;

export interface RfsPaths {
  readonly etc: string;
  readonly var: string;
  readonly clusterFile: string;
  readonly keyFile: string;
  readonly modulesDir: string;
}

export function rfsPaths(env: Env): RfsPaths {
  const etc = env['KEEL_ETC'] || '/etc/keel';
  const varDir = env['KEEL_VAR'] || '/var/lib/keel';
  return {
    etc,
    var: varDir,
    clusterFile: join(varDir, 'cluster', 'cluster.xml'),
    keyFile: join(varDir, 'cluster', 'cluster.key'),
    modulesDir: join(etc, 'modules'),
  };
}

export interface RfsSettings {
  readonly paths: RfsPaths;
  readonly natsUrl: string;
  readonly cluster: ClusterConfig;
  readonly node: string;
  readonly plan: RfsPlan;
  /** The keel-rfsd binary; its existence is checked at each start of a daemon. */
  readonly binary: string;
  /** What to log at start: modules left out or refused, derived ids, replication endpoints. */
  readonly notes: readonly NodeNote[];
}

/** The service cannot start; the message says what to fix. */
export class RfsStartupError extends Error {
  override readonly name = 'RfsStartupError';
}

export function resolveRfsSettings(env: Env, machine: Machine = thisMachine()): RfsSettings {
  const paths = rfsPaths(env);
  let cluster: ClusterConfig;
  try {
    cluster = loadClusterConfig(paths.clusterFile);
  } catch (err) {
    throw new RfsStartupError((err as Error).message, { cause: err });
  }
  const named = resolveNodeName({ ...machine, explicit: env['KEEL_NODE'] }, cluster);
  if (!named.ok) throw new RfsStartupError(named.message);

  const { modules, notes: found } = installedModules(paths.modulesDir, cluster, env);
  const built = buildRfsPlan({
    node: named.node,
    cluster,
    modules,
    varDir: paths.var,
    keyFile: paths.keyFile,
  });
  // keel-rfsd authenticates its peer with the cluster key: refuse to start without a good one,
  // rather than failing every start of a module later. A node without replication needs none.
  if (built.plan.modules.length > 0) {
    try {
      loadClusterKeyFile(paths.keyFile);
    } catch (err) {
      throw new RfsStartupError((err as Error).message, { cause: err });
    }
  }
  return {
    paths,
    natsUrl: env['KEEL_NATS_URL'] || DEFAULT_NATS_URL,
    cluster,
    node: named.node,
    plan: built.plan,
    binary: resolveDaemonBinary(env),
    // Modules without <rfs> are none of this service's business: only notes about modules it plans.
    notes: [...found.filter((n) => n.level !== 'info'), ...built.notes],
  };
}
