// Support commands (safekit-ops §9.5, §7.3): what a node holds for whoever helps with a problem.
//   keel dump -m AM                       a dump of the module and the node (support/dump.ts)
//   keel snapshot -m AM <absolute>.zip    a new dump, then a zip of the last dumps and the configuration
//   keel logsave -m AM [-A] <absolute>    the module log (with -A its verbose lines too) into a file
//   keel healthcheck                      the node's prerequisites (support/healthcheck/)
// docs/decisions/0023 gives the contents, bounds and choices.
import {
  installedModuleNames,
  installedModules,
  loadClusterConfig,
  nodeNameIfKnown,
  nodePaths,
} from '@keel/config';
import { parseArgs } from '../args';
import { CliIo, EXIT, UsageError } from '../io';
import { DumpPlaceError, makeDump, type DumpSources } from '../support/dump';
import { healthReport } from '../support/healthcheck/healthcheck';
import { SystemProbe } from '../support/healthcheck/system-probe';
import { checkOutputPath } from '../support/output-file';
import { snapshotEntries, SnapshotTooLargeError, writeSnapshot } from '../support/snapshot';
import { systemInfo } from '../support/system-info';
import { saveModuleLog } from '../support/logsave';

/** `keel state -m AM -v` as this CLI prints it, or why admin could not tell. */
export type StateText = (module: string) => Promise<string>;

export const SUPPORT_COMMANDS = ['dump', 'snapshot', 'logsave'];

const USAGE: Record<string, string> = {
  dump: 'usage: keel dump -m <module>',
  snapshot: 'usage: keel snapshot -m <module> <absolute path>.zip',
  logsave: 'usage: keel logsave -m <module> [-A] <absolute path>',
};

export async function support(
  name: string,
  args: readonly string[],
  io: CliIo,
  state: StateText,
): Promise<number> {
  const usage = USAGE[name]!;
  const p = parseArgs(args, ['-m'], name === 'logsave' ? ['-A'] : [], usage);
  const module = p.options['-m'];
  if (typeof module !== 'string') throw new UsageError(`no module: give -m <module>\n${usage}`);
  const wanted = name === 'dump' ? 0 : 1;
  if (p.positional.length !== wanted)
    throw new UsageError(
      `${wanted === 0 ? `unexpected argument ${p.positional[0]}` : 'give the file to write'}\n${usage}`,
    );
  const target =
    wanted === 1
      ? checkOutputPath(
          `keel ${name}`,
          p.positional[0]!,
          name === 'snapshot' ? `/tmp/snapshot_node1_${module}.zip` : `/tmp/${module}.log`,
        )
      : undefined;
  if (!installedModuleNames(nodePaths(io.env).modulesDir).names.includes(module)) {
    io.err(`keel ${name}: no module ${module} on this node`);
    return EXIT.invalid;
  }
  if (name === 'logsave') {
    const lines = saveModuleLog(io.env, module, target!, p.options['-A'] === true);
    io.out(`${target}: ${lines} lines of the module log of ${module}`);
    return EXIT.ok;
  }
  try {
    const dir = await makeDump(io.env, module, new Date(), dumpSources(io, module, state));
    io.out(`dump of ${module}: ${dir}`);
    if (name === 'dump') return EXIT.ok;
    const entries = snapshotEntries(io.env, nodeNameIfKnown(io.env) ?? 'node', module);
    writeSnapshot(target!, entries);
    io.out(`snapshot of ${module}: ${target} (${entries.length} files)`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof DumpPlaceError || e instanceof SnapshotTooLargeError)) throw e;
    io.err(`keel ${name}: ${e.message}`);
    return EXIT.invalid;
  }
}

function dumpSources(io: CliIo, module: string, state: StateText): DumpSources {
  return {
    state: () => state(module),
    healthcheck: () => healthReport(io.env, new SystemProbe(io.env.PATH)).lines.join('\n') + '\n',
    system: () => systemInfo(io.env, replicatedDirs(io, module), new Date()),
  };
}

/** The module's replicated directories, for the mounts a dump lists; none when its config does not load. */
function replicatedDirs(io: CliIo, module: string): string[] {
  try {
    const paths = nodePaths(io.env);
    const m = installedModules(paths.modulesDir, loadClusterConfig(paths.clusterFile), io.env).modules.find(
      (x) => x.name === module,
    );
    return m?.config.rfs?.replicated.map((r) => r.dir) ?? [];
  } catch {
    return [];
  }
}
