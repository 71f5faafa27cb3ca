// The web service's two credential files, one entry a line, `#` comments and blank lines allowed:
//   users    <name>:<Admin|Control|Monitor>:<scrypt hash>   (auth/password-hash.ts)
//   apikeys  <name>:<Admin|Control|Monitor>:<sha256 hex of the key>  (auth/api-keys.ts)
// A malformed line refuses the whole file with a message naming the file and the line: a file
// half understood could leave a user who was removed, or with a lesser role, able to act.
import { isPasswordHash } from './password-hash';
import { isWebRole, type WebRole } from './web-roles';

export const CREDENTIAL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export interface CredentialEntry {
  readonly name: string;
  readonly role: WebRole;
  /** The password hash (users) or the key's digest (apikeys). */
  readonly secret: string;
}

export type CredentialKind = 'users' | 'apikeys';

export class CredentialFileError extends Error {
  override readonly name = 'CredentialFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

const SECRET: Record<CredentialKind, (s: string) => boolean> = {
  users: isPasswordHash,
  apikeys: (s) => /^[0-9a-f]{64}$/.test(s),
};

/** Throws CredentialFileError naming the file and line of the first problem. */
export function parseCredentialFile(
  text: string,
  file: string,
  kind: CredentialKind,
): Map<string, CredentialEntry> {
  const entries = new Map<string, CredentialEntry>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `line ${i + 1}`;
    const [name = '', role = '', secret = '', ...rest] = line.split(':');
    if (rest.length > 0) throw new CredentialFileError(file, `${at}: expected <name>:<role>:<secret>`);
    if (!CREDENTIAL_NAME.test(name))
      throw new CredentialFileError(file, `${at}: name must match ${CREDENTIAL_NAME.source}`);
    if (!isWebRole(role))
      throw new CredentialFileError(file, `${at}: role must be Admin, Control or Monitor, not ${role}`);
    if (!SECRET[kind](secret))
      throw new CredentialFileError(
        file,
        `${at}: ${kind === 'users' ? 'not a scrypt password hash' : 'not a sha256 key digest'}`,
      );
    if (entries.has(name)) throw new CredentialFileError(file, `${at}: ${name} is given twice`);
    entries.set(name, { name, role, secret });
  });
  return entries;
}

export function formatCredentialFile(kind: CredentialKind, entries: Iterable<CredentialEntry>): string {
  const head =
    kind === 'users'
      ? '# keel web service users: <name>:<Admin|Control|Monitor>:<scrypt hash> (docs/decisions/0021)\n'
      : '# keel web service API keys: <name>:<Admin|Control|Monitor>:<sha256 of the key> (docs/decisions/0021)\n';
  return head + [...entries].map((e) => `${e.name}:${e.role}:${e.secret}\n`).join('');
}
