// Finds the installed modules: $KEEL_ETC/modules/<name>/conf/userconfig.xml, each with an
// optional id file $KEEL_ETC/modules/<name>/id. A module that does not load is kept with its
// error (admin answers commands on it with that error; the other services leave it out with a
// note); the others still run. Shared by every node service and the CLI, so that they see the
// same modules and number their ports from the same ids.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, IssueSink } from '../errors';
import { loadModuleConfig } from '../load';
import type { ClusterConfig } from '../model/cluster';
import type { ModuleConfig } from '../model/module';
import type { ConfigIssue } from '../errors';
import { checkModuleAgainstCluster } from '../relations/module-cluster';
import { checkModuleExecutables } from '../relations/module-executables';
import { checkLocalModuleWatches } from '../relations/module-watches';
import { parseModuleId } from './module-ids';
import type { NodeEnv } from './node-paths';

/** Something a node service reports at start about a module it serves or leaves out. */
export interface NodeNote {
  readonly level: 'info' | 'warn' | 'error';
  /** The module concerned, or '-' for the node. */
  readonly module: string;
  readonly message: string;
}

export interface DiscoveredModule {
  readonly name: string;
  /** From the id file; undefined when there is none. */
  readonly id: number | undefined;
  readonly config: ModuleConfig;
  /** What loading it warned about. */
  readonly warnings: readonly ConfigIssue[];
}

/** An installed module that cannot run, and why (also given as an error note). */
export interface FailedModule {
  readonly name: string;
  readonly error: string;
}

export interface Discovery {
  readonly modules: DiscoveredModule[];
  readonly failed: FailedModule[];
  readonly notes: NodeNote[];
}

/** The installed modules' names: the directories of `modulesDir` holding conf/userconfig.xml. */
export function installedModuleNames(modulesDir: string): { names: string[]; notes: NodeNote[] } {
  try {
    const names = readdirSync(modulesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(modulesDir, d.name, 'conf', 'userconfig.xml')))
      .map((d) => d.name)
      .sort();
    return { names, notes: [] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { names: [], notes: [] };
    const message = `cannot list ${modulesDir}: ${code ?? (err as Error).message}`;
    return { names: [], notes: [{ level: 'error', module: '-', message }] };
  }
}

export function discoverModules(modulesDir: string, cluster: ClusterConfig, env: NodeEnv): Discovery {
  const { names, notes } = installedModuleNames(modulesDir);
  const modules: DiscoveredModule[] = [];
  const failed: FailedModule[] = [];
  const fail = (name: string, error: string) => {
    failed.push({ name, error });
    notes.push({ level: 'error', module: name, message: error });
  };
  for (const name of names) {
    const file = join(modulesDir, name, 'conf', 'userconfig.xml');
    let id: number | undefined;
    const idFile = join(modulesDir, name, 'id');
    if (existsSync(idFile)) {
      id = readId(idFile);
      if (id === undefined) {
        fail(name, `${idFile} must hold a whole number from 1 to 1000`);
        continue;
      }
    }
    try {
      const loaded = loadModuleConfig(file, { env });
      const sink = new IssueSink();
      checkModuleAgainstCluster(loaded.config, cluster, sink);
      checkModuleExecutables(loaded.config, join(modulesDir, name, 'bin'), sink);
      checkLocalModuleWatches(loaded.config, names, sink);
      sink.throwIfAny();
      modules.push({ name, id, config: loaded.config, warnings: loaded.warnings });
    } catch (err) {
      fail(name, err instanceof ConfigError ? err.message : `cannot load ${file}: ${(err as Error).message}`);
    }
  }
  return { modules, failed, notes };
}

function readId(file: string): number | undefined {
  try {
    return parseModuleId(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
