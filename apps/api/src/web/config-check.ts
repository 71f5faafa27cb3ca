// A configuration checked without being applied, as `keel confcheck` and `keel cluster confcheck`
// check files: a userconfig.xml text against this node's cluster.xml, the module's scripts and the
// installed modules; a cluster.xml text on its own. Every problem is located (line, column,
// element path, attribute).
import { existsSync } from 'node:fs';
import {
  checkLocalModuleWatches,
  checkModuleAgainstCluster,
  checkModuleExecutables,
  ConfigError,
  IssueSink,
  loadClusterConfig,
  parseClusterConfig,
  parseModuleConfig,
  type ConfigIssue,
} from '@keel/config';

export interface CheckedIssue {
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly attribute?: string;
  readonly message: string;
}

export interface ConfigCheck {
  readonly valid: boolean;
  readonly issues: readonly CheckedIssue[];
  readonly warnings: readonly CheckedIssue[];
}

const issue = (i: ConfigIssue): CheckedIssue => ({
  line: i.location.line,
  column: i.location.column,
  path: i.location.path,
  ...(i.attribute === undefined ? {} : { attribute: i.attribute }),
  message: i.message,
});

function checked(run: () => readonly ConfigIssue[]): ConfigCheck {
  try {
    return { valid: true, issues: [], warnings: run().map(issue) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { valid: false, issues: e.issues.map(issue), warnings: [] };
  }
}

export interface ModulePlace {
  readonly binDir: string;
  readonly clusterFile: string;
  readonly installed: readonly string[];
}

export function checkModuleText(text: string, place: ModulePlace): ConfigCheck {
  return checked(() => {
    const { config, warnings } = parseModuleConfig(text, 'userconfig.xml');
    const sink = new IssueSink();
    checkModuleExecutables(config, place.binDir, sink);
    checkLocalModuleWatches(config, place.installed, sink);
    if (existsSync(place.clusterFile))
      checkModuleAgainstCluster(config, loadClusterConfig(place.clusterFile), sink);
    sink.throwIfAny();
    return warnings;
  });
}

export function checkClusterText(text: string): ConfigCheck {
  return checked(() => {
    parseClusterConfig(text, 'cluster.xml');
    return [];
  });
}
