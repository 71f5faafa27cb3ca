// The node's commands log (safekit-ops §10.12 `safekit cmdlog`, docs/decisions/0021 "Commands
// log"): admin writes a START line when a module command that changes something arrives and an
// END line with its result, in <KEEL_VAR>/commands.log (one JSON object a line, so no argument can
// forge a line), rotated to commands.log.1 past COMMAND_LOG_MAX_BYTES (two files kept). `keel
// cmdlog` and `GET /api/v1.0/cmdlog` read it and print SafeKit's raw line format. UTC, as the
// module log.
import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const COMMAND_LOG_MAX_BYTES = 1024 * 1024;
/** Lines a reader returns at most. */
export const COMMAND_LOG_MAX_ENTRIES = 10_000;

export interface CommandLogStart {
  readonly at: string;
  /** `<admin pid>.<n>`: the START and END of one command (SafeKit's pid column). */
  readonly id: string;
  readonly phase: 'START';
  readonly module: string;
  /** The command line as keel's CLI would write it: `start -m demo -i errd`. */
  readonly command: string;
  /** Who asked: root (the CLI), <user>@<address> (the API), errd/modulecheck (checkers). */
  readonly caller: string;
}

export interface CommandLogEnd {
  readonly at: string;
  readonly id: string;
  readonly phase: 'END';
  /** 0: done; 1: refused or failed (then `error` says why). */
  readonly code: 0 | 1;
  readonly error?: string;
}

export type CommandLogEntry = CommandLogStart | CommandLogEnd;

export const commandLogFile = (varDir: string) => join(varDir, 'commands.log');

/** Appends one entry; rotates first when the line would take the file past the size. */
export function appendCommandLog(
  file: string,
  entry: CommandLogEntry,
  maxBytes = COMMAND_LOG_MAX_BYTES,
): void {
  const line = JSON.stringify(entry) + '\n';
  let size = 0;
  try {
    const st = lstatSync(file);
    // Never through a link someone planted: the file is admin's own.
    if (!st.isFile()) throw new Error(`${file}: not a regular file; the commands log is not written`);
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (size > 0 && size + Buffer.byteLength(line) > maxBytes) renameSync(file, `${file}.1`);
  // Created 0600: only root (and the api, which runs as root) reads who did what. O_NOFOLLOW: a
  // link planted between the look above and this open is refused, not written through.
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = constants;
  const fd = openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
}

/** The last `count` entries, oldest first, across the rotated file and the current one. */
export function readCommandLog(file: string, count = COMMAND_LOG_MAX_ENTRIES): CommandLogEntry[] {
  const entries: CommandLogEntry[] = [];
  for (const f of [`${file}.1`, file]) {
    let text: string;
    try {
      if (!statSync(f).isFile()) continue;
      text = readFileSync(f, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const line of text.split('\n')) {
      const e = parseEntry(line);
      if (e) entries.push(e);
    }
  }
  return entries.slice(-Math.min(count, COMMAND_LOG_MAX_ENTRIES));
}

/** An entry, or undefined for a line that is not one (cut by a crash). */
function parseEntry(line: string): CommandLogEntry | undefined {
  if (line === '') return undefined;
  try {
    const e = JSON.parse(line) as Record<string, unknown>;
    if (typeof e.at !== 'string' || typeof e.id !== 'string') return undefined;
    if (
      e.phase === 'START' &&
      typeof e.module === 'string' &&
      typeof e.command === 'string' &&
      typeof e.caller === 'string'
    )
      return { at: e.at, id: e.id, phase: 'START', module: e.module, command: e.command, caller: e.caller };
    if (e.phase === 'END' && (e.code === 0 || e.code === 1))
      return {
        at: e.at,
        id: e.id,
        phase: 'END',
        code: e.code,
        ...(typeof e.error === 'string' ? { error: e.error } : {}),
      };
  } catch {
    /* not an entry */
  }
  return undefined;
}

const isControl = (code: number) => code < 0x20 || code === 0x7f;

/** Whether a name from outside keel's files holds a control character (a newline would forge log lines). */
export const hasControlCharacter = (s: string) => [...s].some((ch) => isControl(ch.charCodeAt(0)));

/** Control characters shown escaped: a value cannot start a line of its own in the output. */
const shown = (s: string) =>
  [...s]
    .map((ch) => (isControl(ch.charCodeAt(0)) ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch))
    .join('');

/** `YYYY-MM-DD hh:mm:ss.micro`, as SafeKit's raw lines (UTC). */
const when = (iso: string) => `${iso.replace('T', ' ').replace('Z', '')}000`;

/**
 * SafeKit's raw line (§10.12): `| <time> | keel | <module> | <id> | START | <command> -u <caller>`
 * and `| <time> |  |  | <id> | END | <code>[ <error>]`.
 */
export function commandLogLine(e: CommandLogEntry): string {
  return e.phase === 'START'
    ? `| ${when(e.at)} | keel | ${shown(e.module)} | ${shown(e.id)} | START | ${shown(e.command)} -u ${shown(e.caller)}`
    : `| ${when(e.at)} |  |  | ${shown(e.id)} | END | ${e.code}${e.error ? ` ${shown(e.error)}` : ''}`;
}
