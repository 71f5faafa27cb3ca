import {
  apiKeyDigest,
  CREDENTIAL_NAME,
  CredentialFileError,
  FileCredentialStore,
  hashPassword,
  isWebRole,
  newApiKey,
  nodePaths,
  webDir,
  WEB_ROLES,
  type CredentialKind,
} from '@keel/config';
import { CliIo, EXIT, UsageError } from '../io';

const USAGE = `usage: keel web user set <name> <${WEB_ROLES.join('|')}>   (the password on standard input)
       keel web user del <name> | keel web user list
       keel web key add <name> <${WEB_ROLES.join('|')}>    (prints the new API key, once)
       keel web key del <name> | keel web key list`;

/** A password shorter than this is refused: the login limiter slows guessing, it cannot stop it. */
export const MIN_PASSWORD = 8;

/**
 * `keel web user|key ...`, as root: the web service's users (scrypt hashes) and API keys (their
 * digests) in <KEEL_ETC>/web (docs/decisions/0021). The running api service sees the change at
 * its next request; no restart.
 */
export async function webCredentials(args: readonly string[], io: CliIo): Promise<number> {
  const [what, op, name, role, ...rest] = args;
  const kind: CredentialKind | undefined = what === 'user' ? 'users' : what === 'key' ? 'apikeys' : undefined;
  if (!kind || rest.length > 0) throw new UsageError(USAGE);
  const store = new FileCredentialStore(webDir(nodePaths(io.env).etc));
  try {
    const entries = new Map(store.entries(kind));
    if (op === 'list' && name === undefined) {
      for (const e of entries.values()) io.out(`${e.name} ${e.role}`);
      return EXIT.ok;
    }
    if (name === undefined || !CREDENTIAL_NAME.test(name))
      throw new UsageError(`a name matches ${CREDENTIAL_NAME.source}\n${USAGE}`);
    if (op === 'del' && role === undefined) {
      if (!entries.delete(name)) {
        io.err(`keel web: no ${what} ${name} in ${store.file(kind)}`);
        return EXIT.invalid;
      }
      store.save(kind, entries.values());
      io.out(`${what} ${name} deleted`);
      return EXIT.ok;
    }
    const adding = (kind === 'users' && op === 'set') || (kind === 'apikeys' && op === 'add');
    if (!adding || role === undefined || !isWebRole(role)) throw new UsageError(USAGE);
    if (kind === 'apikeys') {
      const key = newApiKey(name);
      entries.set(name, { name, role, secret: apiKeyDigest(key) });
      store.save(kind, entries.values());
      io.out(key);
      return EXIT.ok;
    }
    const password = (await (io.stdin?.() ?? Promise.resolve(''))).replace(/\r?\n$/, '');
    if (password.length < MIN_PASSWORD || password.length > 1024 || /[\r\n]/.test(password)) {
      io.err(`keel web: give the password (one line, ${MIN_PASSWORD} to 1024 characters) on standard input`);
      return EXIT.invalid;
    }
    entries.set(name, { name, role, secret: await hashPassword(password) });
    store.save(kind, entries.values());
    io.out(`user ${name} (${role}) set in ${store.file(kind)}`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof CredentialFileError)) throw e;
    io.err(`keel web: ${e.message}`);
    return EXIT.invalid;
  }
}
