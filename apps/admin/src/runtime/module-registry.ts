import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ClusterConfig,
  ConfigError,
  IssueSink,
  checkModuleAgainstCluster,
  loadModuleConfig,
  LoadedModule,
} from '@keel/config';
import { KeelDirs, modulePaths, ModulePaths } from '../paths';

/** A module found on disk: its configuration, or why it cannot be used. */
export type FoundModule =
  | { readonly ok: true; readonly paths: ModulePaths; readonly loaded: LoadedModule }
  | { readonly ok: false; readonly paths: ModulePaths; readonly error: string };

/** Installed module names: the directories of <etc>/modules holding conf/userconfig.xml. */
export function installedModules(dirs: KeelDirs): string[] {
  const root = join(dirs.etc, 'modules');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(modulePaths(dirs, d.name).userconfig))
    .map((d) => d.name)
    .sort();
}

/**
 * Reads every installed module against the cluster. An invalid module is kept with its errors so
 * commands on it can say why it does not run, instead of "unknown module".
 */
export function findModules(
  dirs: KeelDirs,
  cluster: ClusterConfig,
  env: Readonly<Record<string, string | undefined>>,
): FoundModule[] {
  return installedModules(dirs).map((name) => {
    const paths = modulePaths(dirs, name);
    try {
      const loaded = loadModuleConfig(paths.userconfig, { env });
      const sink = new IssueSink();
      checkModuleAgainstCluster(loaded.config, cluster, sink);
      sink.throwIfAny();
      return { ok: true, paths, loaded };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { ok: false, paths, error: e.message };
    }
  });
}
