// What admin needs before it starts, read like every node service reads it (libs/config
// node-basics.ts and installed-modules.ts): this node's places and name, cluster.xml, the
// installed modules — those that cannot run kept with their error, so that a command on one says
// why — the module logs' size (KEEL_MODULE_LOG_SIZE, KEEL_MODULE_LOG_FILES) and keel-fence.
// A problem with the cluster or the node name stops the start (NodeStartupError).
import { nodeBusUrl } from '@keel/bus';
import {
  installedModules,
  nodeBasics,
  NodeStartupError,
  type ClusterConfig,
  type FailedModule,
  type InstalledModuleConfig,
  type Machine,
  type NodeEnv,
  type NodeNote,
  type NodePaths,
} from '@keel/config';
import { resolveNativeBinary } from '@keel/runtime';
import { moduleLogSettings, ModuleLogSettingsError, type ModuleLogSettings } from './log/log-settings';

export interface AdminSettings {
  readonly paths: NodePaths;
  readonly natsUrl: string;
  readonly cluster: ClusterConfig;
  readonly node: string;
  readonly modules: readonly InstalledModuleConfig[];
  readonly failed: readonly FailedModule[];
  readonly notes: readonly NodeNote[];
  readonly moduleLog: ModuleLogSettings;
  /** keel-fence (KEEL_FENCE, else native/target/release/keel-fence of keel's home). */
  readonly fence: string;
}

/** Throws NodeStartupError. */
export function resolveAdminSettings(env: NodeEnv, machine?: Machine): AdminSettings {
  const { paths, cluster, node } = nodeBasics(env, machine);
  const { modules, failed, notes } = installedModules(paths.modulesDir, cluster, env);
  let moduleLog: ModuleLogSettings;
  try {
    moduleLog = moduleLogSettings(env);
  } catch (err) {
    if (!(err instanceof ModuleLogSettingsError)) throw err;
    throw new NodeStartupError(err.message, { cause: err });
  }
  // Throws NodeStartupError (UntrustedBinaryError) when others could change the program.
  const fence = resolveNativeBinary('keel-fence', env);
  return { paths, natsUrl: nodeBusUrl(env), cluster, node, modules, failed, notes, moduleLog, fence };
}
