// The modules a node serves: discovered on disk, checked against cluster.xml, each with its module
// id (id file, else derived). Every node service (admin, heartbeat, rfs) calls this one function,
// so they agree on which modules exist, which cannot run and why, and on the ids their ports are
// numbered from.
import { join } from 'node:path';
import type { ClusterConfig } from '../model/cluster';
import { discoverModules, type DiscoveredModule, type FailedModule, type NodeNote } from './module-discovery';
import { assignModuleIds } from './module-ids';
import type { NodeEnv } from './node-paths';

/** A discovered module with its module id settled (from its id file, else derived). */
export interface InstalledModuleConfig extends DiscoveredModule {
  readonly id: number;
}

/** What a service's plan is built from: a module's name, id and configuration. */
export type PlannedModule = Pick<InstalledModuleConfig, 'name' | 'id' | 'config'>;

export function installedModules(
  modulesDir: string,
  cluster: ClusterConfig,
  env: NodeEnv,
): { modules: InstalledModuleConfig[]; failed: FailedModule[]; notes: NodeNote[] } {
  const discovered = discoverModules(modulesDir, cluster, env);
  const ids = assignModuleIds(discovered.modules.map((m) => ({ name: m.name, id: m.id })));
  const notes: NodeNote[] = [...discovered.notes];
  const failed: FailedModule[] = [...discovered.failed];
  for (const p of ids.problems) {
    notes.push({ level: 'error', module: p.module, message: p.message });
    failed.push({ name: p.module, error: p.message });
  }
  for (const name of ids.derived) {
    notes.push({
      level: 'warn',
      module: name,
      message: `no ${join(modulesDir, name, 'id')}: module id ${ids.ids.get(name)} derived from the installed modules; write the id file on both nodes to keep the ports stable`,
    });
  }
  const modules = discovered.modules.flatMap((m) => {
    const id = ids.ids.get(m.name);
    return id === undefined ? [] : [{ ...m, id }];
  });
  return { modules, failed, notes };
}
