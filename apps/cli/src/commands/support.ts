// Support commands (safekit-ops §9.4, §9.5, §7.3): what a node holds for whoever helps with a problem.
//   keel dump -m AM                       a dump of the module and the node (support/dump.ts)
//   keel snapshot -m AM <absolute>.zip    a new dump, then a zip of the last dumps and the configuration
//   keel logsave -m AM [-A] <absolute>    the module log (with -A its verbose lines too) into a file
//   keel clean log [-m AM]                wipes a damaged module log (the module stopped)
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
import { cleanModuleLog } from '../support/clean-logs';
import { DumpPlaceError, makeDump, type DumpSources } from '../support/dump';
import { healthReport } from '../support/healthcheck/healthcheck';
import { SystemProbe } from '../support/healthcheck/system-probe';
import { saveModuleLog } from '../support/logsave';
import { checkOutputPath } from '../support/output-file';
import { snapshotEntries, SnapshotTooLargeError, writeSnapshot } from '../support/snapshot';
import { systemInfo } from '../support/system-info';

/** What the support commands ask admin, when it runs. */
export interface SupportAdmin {
  /** `keel state -m AM -v` as this CLI prints it, or why admin could not tell. */
  readonly stateText: (module: string) => Promise<string>;
  /** The module's state, or undefined when admin cannot be asked. */
  readonly state: (module: string) => Promise<string | undefined>;
}

export const SUPPORT_COMMANDS = ['dump', 'snapshot', 'logsave', 'clean'];

const USAGE = {
  dump: 'usage: keel dump -m <module>',
  snapshot: 'usage: keel snapshot -m <module> <absolute path>.zip',
  logsave: 'usage: keel logsave -m <module> [-A] <absolute path>',
  clean: 'usage: keel clean log [-m <module>]',
};

export async function support(
  name: string,
  args: readonly string[],
  io: CliIo,
  admin: SupportAdmin,
): Promise<number> {
  try {
    switch (name) {
      case 'dump':
        return await dump(args, io, admin);
      case 'snapshot':
        return await snapshot(args, io, admin);
      case 'logsave':
        return logsave(args, io);
      case 'clean':
        return await clean(args, io, admin);
      default:
        throw new UsageError(`unknown command '${name}'`);
    }
  } catch (e) {
    if (!(e instanceof DumpPlaceError || e instanceof SnapshotTooLargeError)) throw e;
    io.err(`keel ${name}: ${e.message}`);
    return EXIT.invalid;
  }
}

async function dump(args: readonly string[], io: CliIo, admin: SupportAdmin): Promise<number> {
  const { module } = moduleAndFile('dump', args, [], USAGE.dump, undefined);
  if (!installed(io, module, 'dump')) return EXIT.invalid;
  io.out(`dump of ${module}: ${await makeDump(io.env, module, new Date(), dumpSources(io, module, admin))}`);
  return EXIT.ok;
}

async function snapshot(args: readonly string[], io: CliIo, admin: SupportAdmin): Promise<number> {
  const { module, file } = moduleAndFile(
    'snapshot',
    args,
    [],
    USAGE.snapshot,
    (m) => `/tmp/snapshot_node1_${m}.zip`,
  );
  if (!installed(io, module, 'snapshot')) return EXIT.invalid;
  io.out(`dump of ${module}: ${await makeDump(io.env, module, new Date(), dumpSources(io, module, admin))}`);
  const entries = snapshotEntries(io.env, nodeNameIfKnown(io.env) ?? 'node', module);
  writeSnapshot(file, entries);
  io.out(`snapshot of ${module}: ${file} (${entries.length} files)`);
  return EXIT.ok;
}

function logsave(args: readonly string[], io: CliIo): number {
  const { module, file, verbose } = moduleAndFile(
    'logsave',
    args,
    ['-A'],
    USAGE.logsave,
    (m) => `/tmp/${m}.log`,
  );
  if (!installed(io, module, 'logsave')) return EXIT.invalid;
  const lines = saveModuleLog(io.env, module, file, verbose);
  io.out(`${file}: ${lines} lines of the module log of ${module}`);
  return EXIT.ok;
}

/**
 * Only `clean log`: SafeKit's `process` is `keel forcestop` then `keel kill` here, and admin resets
 * a module's resources itself at STOP, so `resource` has nothing to reset (docs/decisions/0023).
 */
async function clean(args: readonly string[], io: CliIo, admin: SupportAdmin): Promise<number> {
  const p = parseArgs(args, ['-m'], [], USAGE.clean);
  const what = p.positional[0] ?? 'all';
  if (what !== 'log' || p.positional.length > 1)
    throw new UsageError(
      `keel clean ${what}: only 'keel clean log' is offered (a module's processes: keel forcestop, then keel kill; its resources are reset by admin at STOP)\n${USAGE.clean}`,
    );
  const explicit = p.options['-m'];
  const modules =
    typeof explicit === 'string' ? [explicit] : installedModuleNames(nodePaths(io.env).modulesDir).names;
  let code: number = EXIT.ok;
  for (const module of modules) {
    if (!installed(io, module, 'clean')) return EXIT.invalid;
    const state = await admin.state(module);
    if (state !== undefined && state !== 'STOP') {
      io.err(`keel clean: ${module} is ${state}; stop it first (keel stop -m ${module})`);
      code = EXIT.invalid;
      continue;
    }
    const removed = cleanModuleLog(io.env, module);
    io.out(`${module}: ${removed.length > 0 ? `removed ${removed.join(', ')}` : 'no module log'}`);
  }
  return code;
}

/** `-m AM`, the flags asked, and the one absolute file to write (when `example` says one is taken). */
function moduleAndFile(
  command: 'dump' | 'snapshot' | 'logsave',
  args: readonly string[],
  flags: readonly string[],
  usage: string,
  example: ((module: string) => string) | undefined,
): { module: string; file: string; verbose: boolean } {
  const p = parseArgs(args, ['-m'], flags, usage);
  const module = p.options['-m'];
  if (typeof module !== 'string') throw new UsageError(`no module: give -m <module>\n${usage}`);
  const [file, extra] = p.positional;
  if (example === undefined) {
    if (file !== undefined) throw new UsageError(`unexpected argument ${file}\n${usage}`);
    return { module, file: '', verbose: false };
  }
  if (file === undefined) throw new UsageError(`give the file to write\n${usage}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}\n${usage}`);
  return {
    module,
    file: checkOutputPath(`keel ${command}`, file, example(module)),
    verbose: p.options['-A'] === true,
  };
}

function installed(io: CliIo, module: string, command: string): boolean {
  if (installedModuleNames(nodePaths(io.env).modulesDir).names.includes(module)) return true;
  io.err(`keel ${command}: no module ${module} on this node`);
  return false;
}

function dumpSources(io: CliIo, module: string, admin: SupportAdmin): DumpSources {
  return {
    state: () => admin.stateText(module),
    healthcheck: async () =>
      (await healthReport(io.env, new SystemProbe(io.env.PATH))).lines.join('\n') + '\n',
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
