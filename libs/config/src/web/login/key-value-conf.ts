// The small `key = value` files of <etc>/web (ldap.conf, openid.conf; web.conf has the same
// shape): one setting a line, `#` comments, every key known, none twice. A problem throws
// LoginConfError naming the file and the line, and the whole file is refused.
import { lstatSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';

export class LoginConfError extends Error {
  override readonly name = 'LoginConfError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** The settings of the file, each with its line number (for the messages of later checks). */
export function parseKeyValues(
  text: string,
  file: string,
  keys: readonly string[],
): Map<string, { value: string; line: number }> {
  const seen = new Map<string, { value: string; line: number }>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `line ${i + 1}`;
    const m = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new LoginConfError(file, `${at}: expected <key> = <value>`);
    const key = m[1]!;
    if (!keys.includes(key))
      throw new LoginConfError(file, `${at}: unknown key ${key} (allowed: ${keys.join(', ')})`);
    if (seen.has(key)) throw new LoginConfError(file, `${at}: ${key} is given twice`);
    const value = m[2]!.trim();
    if (value === '') throw new LoginConfError(file, `${at}: ${key} has no value`);
    seen.set(key, { value, line: i + 1 });
  });
  return seen;
}

/** Reading a parsed file's settings: a value or undefined, where it was, or one that must be there. */
export function settingsOf(kv: Map<string, { value: string; line: number }>, file: string) {
  const get = (k: string) => kv.get(k)?.value;
  return {
    get,
    at: (k: string) => `line ${kv.get(k)!.line}`,
    need: (k: string): string => {
      const v = get(k);
      if (v === undefined) throw new LoginConfError(file, `${k} is missing`);
      return v;
    },
  };
}

/** The file's text, or undefined when there is none (the login option is then off). */
export function readConfIfAny(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new LoginConfError(file, `cannot read it (${code ?? (err as Error).message})`);
  }
}

/**
 * A secret kept in a file of its own (the LDAP bind password, the OpenID client secret): a regular
 * file (no symbolic link), not readable by group or others, owned by root or this service's user;
 * its first line, without the line end. The secret never appears in a message.
 */
export function readSecretFile(file: string, what: string, uid: number = process.getuid?.() ?? 0): string {
  if (!isAbsolute(file)) throw new LoginConfError(file, `${what}: must be an absolute path`);
  let st;
  try {
    st = lstatSync(file);
  } catch (err) {
    throw new LoginConfError(file, `${what}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  if (!st.isFile()) throw new LoginConfError(file, `${what}: not a regular file`);
  if ((st.mode & 0o077) !== 0)
    throw new LoginConfError(
      file,
      `${what}: permissions ${(st.mode & 0o777).toString(8).padStart(4, '0')} let other users read it; run chmod 600 ${file}`,
    );
  if (st.uid !== 0 && st.uid !== uid)
    throw new LoginConfError(file, `${what}: owned by uid ${st.uid}, neither root nor this service's user`);
  const secret = readFileSync(file, 'utf8').split('\n')[0]!.replace(/\r$/, '');
  if (secret === '') throw new LoginConfError(file, `${what}: the file is empty`);
  return secret;
}
