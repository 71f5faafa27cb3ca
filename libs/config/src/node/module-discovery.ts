// Finds the installed modules: $KEEL_ETC/modules/<name>/conf/userconfig.xml, each with an
// optional id file $KEEL_ETC/modules/<name>/id. A module that does not load is reported and
// left out; the others still run. Shared by the node services (heartbeat, rfs) so that they see
// the same modules and number their ports from the same ids.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, IssueSink } from '../errors';
import { loadModuleConfig } from '../load';
import type { ClusterConfig } from '../model/cluster';
import type { ModuleConfig } from '../model/module';
import { checkModuleAgainstCluster } from '../relations/module-cluster';
import { parseModuleId } from './module-ids';
import type { NodeEnv } from './node-basics';

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
}

export function discoverModules(
  modulesDir: string,
  cluster: ClusterConfig,
  env: NodeEnv,
): { modules: DiscoveredModule[]; notes: NodeNote[] } {
  const notes: NodeNote[] = [];
  const modules: DiscoveredModule[] = [];
  let names: string[];
  try {
    names = readdirSync(modulesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      notes.push({
        level: 'error',
        module: '-',
        message: `cannot list ${modulesDir}: ${code ?? (err as Error).message}`,
      });
    return { modules, notes };
  }
  for (const name of names) {
    const file = join(modulesDir, name, 'conf', 'userconfig.xml');
    if (!existsSync(file)) continue;
    let id: number | undefined;
    const idFile = join(modulesDir, name, 'id');
    if (existsSync(idFile)) {
      id = readId(idFile);
      if (id === undefined) {
        notes.push({
          level: 'error',
          module: name,
          message: `${idFile} must hold a whole number from 1 to 1000`,
        });
        continue;
      }
    }
    try {
      const loaded = loadModuleConfig(file, { env });
      const sink = new IssueSink();
      checkModuleAgainstCluster(loaded.config, cluster, sink);
      sink.throwIfAny();
      modules.push({ name, id, config: loaded.config });
    } catch (err) {
      const message =
        err instanceof ConfigError ? err.message : `cannot load ${file}: ${(err as Error).message}`;
      notes.push({ level: 'error', module: name, message });
    }
  }
  return { modules, notes };
}

function readId(file: string): number | undefined {
  try {
    return parseModuleId(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
