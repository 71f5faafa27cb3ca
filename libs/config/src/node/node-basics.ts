// What every node service (admin, heartbeat, rfs) reads first, from the environment and the files:
//   its places (node-paths.ts), cluster.xml, and which of its nodes this is:
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
//   KEEL_ETC/bus: the node's bus configuration and each service's credential (bus-files.ts)
// A cluster.xml that does not load, a node that cannot be named or (for a service that needs it)
// a bad cluster key stops the start: NodeStartupError, whose message says what to fix.
import { loadClusterConfig } from '../load';
import type { ClusterConfig } from '../model/cluster';
import { loadClusterKeyFile } from './cluster-key';
import { thisMachine, type Machine } from './machine';
import { resolveNodeName } from './node-name';
import { nodePaths, type NodeEnv, type NodePaths } from './node-paths';

/** A node service cannot start; the message says what to fix. */
export class NodeStartupError extends Error {
  override readonly name: string = 'NodeStartupError';
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

/**
 * This node's name where it only labels something (the CLI's bus messages): as nodeBasics finds
 * it, or undefined when it cannot be found.
 */
export function nodeNameIfKnown(env: NodeEnv, machine?: Machine): string | undefined {
  try {
    return nodeBasics(env, machine).node;
  } catch (err) {
    if (err instanceof NodeStartupError) return undefined;
    throw err;
  }
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
