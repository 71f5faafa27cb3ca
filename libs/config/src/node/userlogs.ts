// The script logs of a module (reference §6.4, `<user logging="userlog">`): the files
// userlogFile() names in the module's variable directory, listed newest first and read from their
// end, for the web service (docs/decisions/0021 "Script logs"). Only names of that exact form are
// read, each through a descriptor opened without following a link, and only a regular file.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFileTail } from './file-tail';

const NAME = /^userlog_(\d{4})_(\d{2})_(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})_([A-Za-z0-9_.-]{1,64})\.ulog$/;

export interface UserlogEntry {
  /** The file's name, as the API takes it back. */
  readonly name: string;
  /** The script that wrote it (start_prim, stop_both, ...). */
  readonly script: string;
  /** When the script started (UTC, ISO). */
  readonly at: string;
  readonly bytes: number;
}

/** The script and time a userlog file name says, or undefined for any other name. */
export function parseUserlogName(name: string): { script: string; at: string } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, script] = m;
  const at = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`;
  // A time that does not exist (month 13, 25 h) would be moved by Date to another one.
  const t = new Date(at);
  if (Number.isNaN(t.getTime()) || t.toISOString() !== at) return undefined;
  return { script: script!, at };
}

/** The module's script logs, newest first, at most `limit`; none when the directory is absent. */
export function listUserlogs(varDir: string, limit = 500): UserlogEntry[] {
  let names: string[];
  try {
    names = readdirSync(varDir);
  } catch {
    return [];
  }
  const out: UserlogEntry[] = [];
  for (const name of names) {
    const parsed = parseUserlogName(name);
    if (!parsed) continue;
    try {
      const st = lstatSync(join(varDir, name));
      if (st.isFile()) out.push({ name, ...parsed, bytes: st.size });
    } catch {
      /* removed meanwhile */
    }
  }
  // The time stamp sorts as the name does; a tie (one millisecond, two scripts) keeps name order.
  return out.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)).slice(0, limit);
}

export interface UserlogText extends UserlogEntry {
  /** The last `maxBytes` bytes at most, as UTF-8 (a character cut at the start is replaced). */
  readonly text: string;
  /** Whether the file holds more than the text gives. */
  readonly truncated: boolean;
}

/** The end of one script log, or undefined when no such log exists (or the name is not one). */
export function readUserlog(varDir: string, name: string, maxBytes: number): UserlogText | undefined {
  const parsed = parseUserlogName(name);
  const tail = parsed && readFileTail(join(varDir, name), maxBytes);
  if (!parsed || !tail) return undefined;
  return { name, ...parsed, bytes: tail.size, text: tail.data.toString('utf8'), truncated: tail.truncated };
}
