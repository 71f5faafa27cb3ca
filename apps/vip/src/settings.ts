// Everything the vip service needs before it starts, from the environment and the files:
//   KEEL_ETC (default /etc/keel): modules/<name>/conf/userconfig.xml
//   KEEL_VAR (default /var/lib/keel): cluster/cluster.xml
//   KEEL_NODE: this node's cluster.xml name (default: from the hostname or local addresses)
//   KEEL_NATS_URL: the node-local bus (default nats://127.0.0.1:4222), reached with the
//            service's credential KEEL_ETC/bus/<service>.nk (docs/decisions/0010)
// A problem with the cluster or the node name stops the start (NodeStartupError); a module whose
// VIPs cannot be placed here is only refused (a note).
import { nodeBusUrl } from '@keel/bus';
import {
  installedModules,
  nodeBasics,
  type ClusterConfig,
  type Machine,
  type NodeEnv,
  type NodeNote,
  type NodePaths,
} from '@keel/config';
import { buildVipPlan, type VipPlan } from './core/plan';

export interface VipSettings {
  readonly paths: NodePaths;
  readonly natsUrl: string;
  readonly cluster: ClusterConfig;
  readonly node: string;
  readonly plan: VipPlan;
  readonly notes: readonly NodeNote[];
}

/** Throws NodeStartupError. */
export function resolveVipSettings(env: NodeEnv, machine?: Machine): VipSettings {
  const { paths, cluster, node } = nodeBasics(env, machine);
  const { modules, failed, notes: found } = installedModules(paths.modulesDir, cluster, env);
  const built = buildVipPlan({ node, cluster, modules, unreadable: failed.map((f) => f.name) });
  return {
    paths,
    natsUrl: nodeBusUrl(env),
    cluster,
    node,
    plan: built.plan,
    // Modules without <vip> are none of this service's business.
    notes: [...found.filter((n) => n.level !== 'info'), ...built.notes],
  };
}
