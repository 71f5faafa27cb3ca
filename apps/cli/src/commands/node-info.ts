// Commands about the node itself, read from its files: no keel service needs to answer.
//   keel level      safekit-ops §9.4: keel's version, the host, the OS and the licence line
//   keel -p         §9.11 `safekit -p`: keel's directories, as NAME=value lines a shell can source
//   keel cmdlog     §9.4, §10.12: the node's commands log in SafeKit's raw line format
// docs/decisions/0021 "Operator commands" gives the formats.
import { hostname, release, type } from 'node:os';
import {
  commandLogFile,
  commandLogLine,
  keelVersion,
  nodeNameIfKnown,
  nodePaths,
  readCommandLog,
  webDir,
} from '@keel/config';
import { parseArgs } from '../args';
import { CliIo, EXIT, UsageError } from '../io';

export interface Level {
  readonly node: string;
  readonly host: string;
  readonly os: string;
  readonly version: string;
}

/**
 * `keel level`, as the guide's `safekit level` (its format, T-4.1.2, is NOT FOUND in the reference;
 * docs/decisions/0021 "Operator commands"): keel's version, the host and node, the OS, the licence.
 */
export function levelLines(l: Level): string[] {
  return [
    `keel ${l.version} on ${l.host} (node ${l.node}), ${l.os}`,
    'Licence: Apache-2.0, open source: no licence key',
  ];
}

export function level(args: readonly string[], io: CliIo): number {
  parseNone(args, 'usage: keel level');
  const paths = nodePaths(io.env);
  const lines = levelLines({
    node: nodeNameIfKnown(io.env) ?? '(no cluster node name)',
    host: hostname(),
    os: `${type()} ${release()}`,
    version: keelVersion(paths.home),
  });
  lines.forEach((l) => io.out(l));
  return EXIT.ok;
}

/** `keel -p`: each of keel's places, SafeKit's name after it where it has one. */
export function printPaths(args: readonly string[], io: CliIo): number {
  parseNone(args, 'usage: keel -p');
  const p = nodePaths(io.env);
  const lines: [string, string][] = [
    ['KEEL_HOME', p.home], // SAFE
    ['KEEL_BIN', `${p.home}/native/target/release`], // SAFEBIN
    ['KEEL_ETC', p.etc],
    ['KEEL_MODULES', p.modulesDir], // SAFE/modules
    ['KEEL_WEB', webDir(p.etc)], // SAFE/web/conf
    ['KEEL_VAR', p.var], // SAFEVAR
    ['KEEL_CLUSTER', `${p.var}/cluster`], // SAFEVAR/cluster
    ['KEEL_CMDLOG', commandLogFile(p.var)], // SAFEVAR/log.db
  ];
  for (const [k, v] of lines) io.out(`${k}=${v}`);
  return EXIT.ok;
}

export const CMDLOG_USAGE = 'usage: keel cmdlog [-s <entries>]';

/** The `-s` of cmdlog: entries to print (default 300, as `keel log`). */
export function cmdlogCount(args: readonly string[]): number {
  const p = parseArgs(args, ['-s'], [], CMDLOG_USAGE);
  if (p.positional.length > 0) throw new UsageError(CMDLOG_USAGE);
  const count = p.options['-s'] === undefined ? 300 : Number(p.options['-s']);
  if (!Number.isSafeInteger(count) || count < 1 || count > 10_000)
    throw new UsageError(`-s takes a number of entries from 1 to 10000\n${CMDLOG_USAGE}`);
  return count;
}

export function cmdlog(args: readonly string[], io: CliIo): number {
  const count = cmdlogCount(args);
  const file = commandLogFile(nodePaths(io.env).var);
  let entries;
  try {
    entries = readCommandLog(file, count);
  } catch (e) {
    io.err(`keel cmdlog: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return EXIT.invalid;
  }
  entries.forEach((e) => io.out(commandLogLine(e)));
  return EXIT.ok;
}

function parseNone(args: readonly string[], usage: string): void {
  if (args.length > 0) throw new UsageError(`unexpected argument ${args[0]}\n${usage}`);
}
