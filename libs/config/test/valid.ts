import { join } from 'node:path';
import {
  ClusterConfig,
  IssueSink,
  loadClusterConfig,
  loadModuleConfig,
  LoadedModule,
  checkModuleAgainstCluster,
} from '../src';
import { FIXTURES } from './fixture-files';

/** Loads test/fixtures/valid/<name>/userconfig.xml, checked against a cluster fixture when one is named. */
export function loadValid(name: string, cluster?: string, env: Record<string, string> = {}): LoadedModule {
  const loaded = loadModuleConfig(join(FIXTURES, 'valid', name, 'userconfig.xml'), { env });
  if (cluster) {
    const sink = new IssueSink();
    checkModuleAgainstCluster(loaded.config, loadValidCluster(cluster), sink);
    sink.throwIfAny();
  }
  return loaded;
}

export const loadValidCluster = (file: string): ClusterConfig =>
  loadClusterConfig(join(FIXTURES, 'valid', file));
