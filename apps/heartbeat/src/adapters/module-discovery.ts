// Finds the installed modules: $KEEL_ETC/modules/<name>/conf/userconfig.xml, each with an
// optional id file $KEEL_ETC/modules/<name>/id. A module that does not load is reported and
// left out; the others still get their heartbeats.
import {
  checkModuleAgainstCluster,
  ConfigError,
  IssueSink,
  loadModuleConfig,
  type ClusterConfig,
  type ModuleConfig,
} from '@keel/config';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModuleId } from '../core/module-ids';
import type { PlanNote } from '../core/plan';

export interface DiscoveredModule {
  readonly name: string;
  /** From the id file; undefined when there is none. */
  readonly id: number | undefined;
  readonly config: ModuleConfig;
}

export function discoverModules(
  modulesDir: string,
  cluster: ClusterConfig,
  env: Readonly<Record<string, string | undefined>>,
): { modules: DiscoveredModule[]; notes: PlanNote[] } {
  const notes: PlanNote[] = [];
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
