// What every node service (heartbeat, rfs) reads first, from the environment and the files:
//   KEEL_ETC (default /etc/keel): modules/<name>/conf/userconfig.xml and modules/<name>/id
//   KEEL_VAR (default /var/lib/keel): cluster/cluster.xml, cluster/cluster.key
//   KEEL_ETC/bus: the node's bus configuration and each service's credential (bus-files.ts)
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
// A cluster.xml that does not load, a node that cannot be named or (for a service that needs it)
// a bad cluster key stops the start: NodeStartupError, whose message says what to fix.
import { join } from 'node:path';
import { loadClusterConfig } from '../load';
import type { ClusterConfig } from '../model/cluster';
import { loadClusterKeyFile } from './cluster-key';
import { thisMachine, type Machine } from './machine';
import { resolveNodeName } from './node-name';

export type NodeEnv = Readonly<Record<string, string | undefined>>;

export interface NodePaths {
  /** $KEEL_ETC. */
  readonly etc: string;
  /** $KEEL_VAR. */
  readonly var: string;
  readonly clusterFile: string;
  readonly keyFile: string;
  /** $KEEL_ETC/modules: one directory per installed module. */
  readonly modulesDir: string;
}

export function nodePaths(env: NodeEnv): NodePaths {
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

/** A node service cannot start; the message says what to fix. */
export class NodeStartupError extends Error {
  override readonly name = 'NodeStartupError';
}

export interface NodeBasics {
  readonly paths: NodePaths;
  readonly cluster: ClusterConfig;
  /** This node's cluster.xml name. */
  readonly node: string;
}

/** The node's paths, its cluster.xml and its name in it; throws NodeStartupError. */
export function nodeBasics(env: NodeEnv, machine: Machine = thisMachine()): NodeBasics {
  const paths = nodePaths(env);
  const cluster = orStartupError(() => loadClusterConfig(paths.clusterFile));
  const named = resolveNodeName({ ...machine, explicit: env['KEEL_NODE'] }, cluster);
  if (!named.ok) throw new NodeStartupError(named.message);
  return { paths, cluster, node: named.node };
}

/** The cluster key, read for a start; throws NodeStartupError (with the ClusterKeyError as cause). */
export function nodeClusterKey(paths: NodePaths): Uint8Array {
  return orStartupError(() => loadClusterKeyFile(paths.keyFile));
}

function orStartupError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new NodeStartupError((err as Error).message, { cause: err });
  }
}
