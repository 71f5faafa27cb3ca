import { existsSync } from 'node:fs';
import {
  builtinRules,
  checkLocalModuleWatches,
  checkModuleAgainstCluster,
  checkModuleExecutables,
  installedModuleNames,
  IssueSink,
  loadClusterConfig,
  loadModuleConfig,
  nodePaths,
} from '@keel/config';
import { CliIo, EXIT, UsageError } from '../io';
import { reportConfigError } from './report-config-error';
import { binDirOf, userconfigOf } from '../paths';
import { describeModule } from './describe-module';

const USAGE = 'usage: keel confcheck <module dir | userconfig.xml> [--cluster <cluster.xml>]';

/**
 * `keel confcheck`: checks a module's userconfig.xml and, when a cluster.xml is given or installed,
 * the module against that cluster. Prints a summary and exits 0 when valid; prints every error
 * (file:line:column: path @attribute: message) and exits 1 when not.
 */
export function confcheck(args: readonly string[], io: CliIo): number {
  const { target, cluster } = parseArgs(args);
  try {
    const { config, warnings } = loadModuleConfig(userconfigOf(target), { env: io.env });
    const clusterFile = cluster ?? nodePaths(io.env).clusterFile;
    const sink = new IssueSink();
    checkModuleExecutables(config, binDirOf(target), sink);
    // Module checkers on this node follow modules installed here; with none installed (the
    // module is being written elsewhere) there is nothing to check them against.
    const installed = installedModuleNames(nodePaths(io.env).modulesDir).names;
    if (installed.length > 0) checkLocalModuleWatches(config, installed, sink);
    if (cluster !== undefined || existsSync(clusterFile))
      checkModuleAgainstCluster(config, loadClusterConfig(clusterFile), sink);
    sink.throwIfAny();
    describeModule(config, builtinRules(config)).forEach((l) => io.out(l));
    if (cluster === undefined && !existsSync(clusterFile))
      io.out(`  (not checked against a cluster: ${clusterFile} does not exist; use --cluster)`);
    warnings.forEach((w) => io.out(`warning: ${w.toString()}`));
    return EXIT.ok;
  } catch (e) {
    return reportConfigError(e, io);
  }
}

function parseArgs(args: readonly string[]): { target: string; cluster?: string } {
  const rest = [...args];
  let cluster: string | undefined;
  const at = rest.indexOf('--cluster');
  if (at !== -1) {
    cluster = rest[at + 1];
    if (cluster === undefined || cluster.startsWith('-'))
      throw new UsageError(`--cluster needs a file\n${USAGE}`);
    rest.splice(at, 2);
  }
  const unknown = rest.find((a) => a.startsWith('-'));
  if (unknown) throw new UsageError(`unknown option ${unknown}\n${USAGE}`);
  if (rest.length !== 1) throw new UsageError(USAGE);
  return { target: rest[0], cluster };
}
