// A module's directory checked as `keel confcheck` checks it: its userconfig.xml, the programs it
// names in its bin/, the modules it watches among those installed, and the module against
// cluster.xml when the node has one. Install (module-install.ts), the CLI and the api share it, so
// a package is accepted by exactly what accepts a configuration.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IssueSink, type ConfigIssue } from '../errors';
import { loadClusterConfig, parseModuleConfig } from '../load';
import type { ModuleConfig } from '../model/module';
import { checkModuleAgainstCluster } from '../relations/module-cluster';
import { checkModuleExecutables } from '../relations/module-executables';
import { checkLocalModuleWatches } from '../relations/module-watches';
import type { NodeEnv } from '../node/node-paths';

export interface ModuleCheckPlace {
  readonly clusterFile: string;
  /** The modules installed on the node, this one included. */
  readonly installed: readonly string[];
  readonly env: NodeEnv;
}

/**
 * The module's configuration and warnings; throws ConfigError locating every problem. `label` names
 * the userconfig.xml in messages (`mirror.safe:conf/userconfig.xml` for a package being installed
 * from a private directory).
 */
export function checkModuleDir(
  dir: string,
  place: ModuleCheckPlace,
  label?: string,
): { config: ModuleConfig; warnings: readonly ConfigIssue[] } {
  const file = join(dir, 'conf', 'userconfig.xml');
  const { config, warnings } = parseModuleConfig(readFileSync(file, 'utf8'), label ?? file, {
    env: place.env,
  });
  const sink = new IssueSink();
  checkModuleExecutables(config, join(dir, 'bin'), sink);
  if (place.installed.length > 0) checkLocalModuleWatches(config, place.installed, sink);
  if (existsSync(place.clusterFile))
    checkModuleAgainstCluster(config, loadClusterConfig(place.clusterFile), sink);
  sink.throwIfAny();
  return { config, warnings };
}
