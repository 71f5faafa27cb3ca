// The node's processes, read from /proc as cheaply as errd's every poll needs: one `stat` per
// process (name, parent, start), and `cmdline` only for the command names a selector with an
// argregex may pick. A process that ends during the scan is simply not in it.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import type { ProcessEntry } from './process-entry';

/** /proc itself cannot be listed: nothing can be said about any process. */
export class ProcTableError extends Error {
  override readonly name = 'ProcTableError';
}

export interface ScanOptions {
  /** Default /proc. */
  readonly procDir?: string;
  /** The command names whose arguments are needed (default: none). */
  readonly argvFor?: (comm: string) => boolean;
}

/** A stat line is at most a few hundred bytes: one buffer serves the whole (synchronous) scan. */
const statBuffer = Buffer.alloc(4096);

/** Every live process (zombies are dead: their parent has just not read their status yet). */
export function readProcessTable(options: ScanOptions = {}): ProcessEntry[] {
  const dir = options.procDir ?? '/proc';
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new ProcTableError(`cannot list ${dir}: ${(e as Error).message}`);
  }
  const table: ProcessEntry[] = [];
  for (const name of names) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const stat = readStat(`${dir}/${name}/stat`);
    const parsed = stat === undefined ? undefined : parseStat(stat);
    if (!parsed || parsed.state === 'Z' || parsed.state === 'X') continue;
    let argv: string[] | undefined;
    if (options.argvFor?.(parsed.comm)) {
      argv = readArgv(`${dir}/${name}/cmdline`);
      if (argv === undefined) continue;
    }
    table.push({ pid: parsed.pid, ppid: parsed.ppid, comm: parsed.comm, start: parsed.start, argv });
  }
  return table;
}

/** `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so it ends at the last `)`. */
export function parseStat(
  text: string,
): { pid: number; comm: string; state: string; ppid: number; start: number } | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // Fields 3 (state), 4 (ppid) and 22 (starttime) of proc(5).
  const pid = Number(text.slice(0, open));
  const ppid = Number(rest[1]);
  const start = Number(rest[19]);
  if (!Number.isSafeInteger(pid) || !Number.isSafeInteger(ppid) || !Number.isFinite(start)) return undefined;
  return { pid, comm: text.slice(open + 2, close), state: rest[0] ?? '', ppid, start };
}

/** undefined when the process is gone (ENOENT on open, ESRCH on read) or unreadable. */
function readStat(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const n = readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return statBuffer.toString('latin1', 0, n);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readArgv(file: string): string[] | undefined {
  try {
    const raw = readFileSync(file, 'utf8');
    const argv = raw.split('\0');
    if (argv.at(-1) === '') argv.pop();
    return argv;
  } catch {
    return undefined;
  }
}
