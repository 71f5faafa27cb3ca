// `keel dump -m AM` (safekit-ops §9.5): the module's and the node's state at this moment, as text
// files in <KEEL_VAR>/snapshot/modules/<AM>/dump_YYYY_MM_DD_hh_mm_ss/ (SafeKit's place and
// names, §7.18), the newest DUMPS_KEPT kept. What a dump holds and its bounds: docs/decisions/0023.
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  commandLogFile,
  commandLogLine,
  listUserlogs,
  modulePaths,
  nodePaths,
  readCommandLog,
  type NodeEnv,
} from '@keel/config';
import { KeelFiles } from './keel-files';

export const DUMPS_KEPT = 3;
/** The end of the module log a dump carries (its verbose lines in logverbose.txt, the rest in log.txt). */
export const DUMP_LOG_BYTES = 4 << 20;
export const DUMP_USERLOGS = 10;
export const DUMP_USERLOG_BYTES = 256 << 10;
export const DUMP_COMMANDS = 1000;
export const DUMP_NAME = /^dump_\d{4}(_\d\d){5}(_\d+)?$/;

/** What a dump asks beyond the files: the module's state from admin, the checks, the system. */
export interface DumpSources {
  /** `keel state -m AM -v` as the CLI prints it, or a line saying why admin could not tell. */
  readonly state: () => Promise<string>;
  readonly healthcheck: () => Promise<string>;
  readonly system: () => string;
}

/** The directory a module's dumps are in. */
export const moduleSnapshotDir = (env: NodeEnv, module: string) =>
  join(nodePaths(env).var, 'snapshot', 'modules', module);

/** `dump_YYYY_MM_DD_hh_mm_ss` of a time (UTC, as the module log). */
export function dumpName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `dump_${at.getUTCFullYear()}_${p(at.getUTCMonth() + 1)}_${p(at.getUTCDate())}_${p(at.getUTCHours())}_${p(at.getUTCMinutes())}_${p(at.getUTCSeconds())}`;
}

/** Makes a dump of the module and returns its directory; the oldest beyond DUMPS_KEPT are removed. */
export async function makeDump(
  env: NodeEnv,
  module: string,
  now: Date,
  sources: DumpSources,
): Promise<string> {
  const paths = nodePaths(env);
  const mod = modulePaths(paths, module);
  const files = new KeelFiles([paths.etc, paths.var]);
  const dir = realDirs(paths.var, ['snapshot', 'modules', module]);
  const contents: [string, string | Buffer][] = [
    ['state.txt', await sources.state()],
    ['healthcheck.txt', await sources.healthcheck()],
    ['system.txt', sources.system()],
    ...moduleLogs(files, mod.logFile),
    ['commandlog.txt', commandLog(paths.var)],
  ];
  const cluster = files.tail(paths.clusterFile, 1 << 20);
  // cluster.xml, never cluster.key: a dump is sent to whoever helps, the key is the cluster's secret.
  if (cluster) contents.push([join('var', 'cluster', 'cluster.xml'), cluster.data]);
  for (const u of listUserlogs(mod.varDir, DUMP_USERLOGS)) {
    const t = files.tail(join(mod.varDir, u.name), DUMP_USERLOG_BYTES);
    if (t) contents.push([join('userlog', u.name), t.data]);
  }
  const base = dumpName(now);
  const tmp = join(dir, `.${base}.${process.pid}.tmp`);
  mkdirSync(tmp, { mode: 0o700 });
  for (const [name, data] of contents) {
    mkdirSync(join(tmp, name, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(join(tmp, name), data, { mode: 0o600, flag: 'wx' });
  }
  let final = join(dir, base);
  for (let n = 2; exists(final); n++) final = join(dir, `${base}_${n}`);
  renameSync(tmp, final);
  pruneDumps(dir);
  return final;
}

/** The dumps of a module, oldest first (their names sort as their times). */
export function listDumps(files: KeelFiles, dir: string): string[] {
  return files.list(dir, true).filter((n) => DUMP_NAME.test(n));
}

function pruneDumps(dir: string): void {
  const names = readdirSync(dir)
    .filter((n) => DUMP_NAME.test(n) && lstatSync(join(dir, n)).isDirectory())
    .sort();
  // rmSync removes a link found inside, never what it points to.
  for (const n of names.slice(0, Math.max(0, names.length - DUMPS_KEPT)))
    rmSync(join(dir, n), { recursive: true, force: true });
}

/** The module log's end: every line in logverbose.txt, those not verbose (I, E) in log.txt. */
function moduleLogs(files: KeelFiles, logFile: string): [string, string][] {
  const t = files.tail(logFile, DUMP_LOG_BYTES);
  if (!t) return [['log.txt', `(no module log at ${logFile})\n`]];
  let lines = t.data.toString('utf8').split('\n');
  if (t.truncated) lines = lines.slice(1); // the first line was cut
  const text = (ls: string[]) => ls.filter((l) => l !== '').join('\n') + '\n';
  return [
    ['logverbose.txt', text(lines)],
    ['log.txt', text(lines.filter((l) => !/^\S+ \S+ V /.test(l)))],
  ];
}

function commandLog(varDir: string): string {
  const file = commandLogFile(varDir);
  try {
    return readCommandLog(file, DUMP_COMMANDS).map(commandLogLine).join('\n') + '\n';
  } catch (e) {
    return `(cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`;
  }
}

/**
 * `root/<parts...>` made (0700) where missing; every part must be a real directory, never a link,
 * so a link planted at <KEEL_VAR>/snapshot cannot send root's writes elsewhere.
 */
function realDirs(root: string, parts: readonly string[]): string {
  let dir = root;
  for (const part of parts) {
    dir = join(dir, part);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!lstatSync(dir).isDirectory())
      throw new DumpPlaceError(`${dir} is not a directory (a link?); remove it`);
  }
  return dir;
}

export class DumpPlaceError extends Error {
  override readonly name = 'DumpPlaceError';
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
