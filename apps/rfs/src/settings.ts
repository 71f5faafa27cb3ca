// Everything the rfs service needs before it starts, from the environment and the files:
//   KEEL_ETC (default /etc/keel): modules/<name>/conf/userconfig.xml and modules/<name>/id,
//            modules/<name>/conf/encryption (keel module genkey) and then the node's certificate
//            files (web/web.conf's cert, key, ca, else web/tls/: keel web initssl)
//   KEEL_VAR (default /var/lib/keel): cluster/cluster.xml, cluster/cluster.key,
//            modules/<name>/rfs (each daemon's state directory)
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
//   KEEL_NATS_URL: the node-local bus (default nats://127.0.0.1:4222), reached with the
//            service's credential KEEL_ETC/bus/<service>.nk (docs/decisions/0010)
//   KEEL_RFSD: the keel-rfsd binary (default native/target/release/keel-rfsd of this tree;
//            @keel/runtime resolveNativeBinary)
// A problem with the cluster, the node name or (when a module replicates) the cluster key stops
// the start (NodeStartupError); a module that cannot replicate is only refused (a note).
import { nodeBusUrl } from '@keel/bus';
import {
  installedModules,
  missingTlsFiles,
  moduleEncryption,
  nodeBasics,
  nodeClusterKey,
  nodeTlsPaths,
  type ClusterConfig,
  type Machine,
  type NodeEnv,
  type NodeNote,
  type NodePaths,
} from '@keel/config';
import { resolveNativeBinary } from '@keel/runtime';
import { join } from 'node:path';
import { buildRfsPlan, type RfsPlan } from './core/plan';

export interface RfsSettings {
  readonly paths: NodePaths;
  readonly natsUrl: string;
  readonly cluster: ClusterConfig;
  readonly node: string;
  readonly plan: RfsPlan;
  /** The keel-rfsd binary; its existence is checked at each start of a daemon. */
  readonly binary: string;
  /** What to log at start: modules left out or refused, derived ids, replication endpoints. */
  readonly notes: readonly NodeNote[];
}

/** Throws NodeStartupError. */
export function resolveRfsSettings(env: NodeEnv, machine?: Machine): RfsSettings {
  const { paths, cluster, node } = nodeBasics(env, machine);

  const { modules, notes: found } = installedModules(paths.modulesDir, cluster, env);
  // The modules' encryption markers and the node's certificate files (the plan decides).
  const encrypted = new Set(
    modules.filter((m) => moduleEncryption(join(paths.modulesDir, m.name))).map((m) => m.name),
  );
  const tlsPaths = encrypted.size > 0 ? nodeTlsPaths(paths.etc) : undefined;
  const tls = tlsPaths && missingTlsFiles(tlsPaths).length === 0 ? tlsPaths : undefined;
  const built = buildRfsPlan({
    node,
    cluster,
    modules,
    varDir: paths.var,
    keyFile: paths.keyFile,
    encrypted,
    ...(tls ? { tls } : {}),
  });
  // keel-rfsd authenticates its peer with the cluster key: refuse to start without a good one,
  // rather than failing every start of a module later. A node without replication needs none.
  if (built.plan.modules.length > 0) nodeClusterKey(paths);
  return {
    paths,
    natsUrl: nodeBusUrl(env),
    cluster,
    node,
    plan: built.plan,
    binary: resolveNativeBinary('keel-rfsd', env),
    // Modules without <rfs> are none of this service's business: only notes about modules it plans.
    notes: [...found.filter((n) => n.level !== 'info'), ...built.notes],
  };
}
