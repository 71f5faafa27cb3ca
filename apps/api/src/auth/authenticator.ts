// Who is calling: a session cookie from a form login, or an API key (Authorization: Bearer), each
// checked against the current credential files. A login name the users file does not hold is asked
// of the LDAP directory when ldap.conf configures one; a login through the OpenID Connect provider
// opens its session here too. Logins of every kind are rate-limited per address and per user name.
// No password, key or session id is ever put in a log line or an error message.
import {
  apiKeyMatches,
  apiKeyName,
  CredentialFileError,
  hasControlCharacter,
  verifyPassword,
  type NodeClaim,
  type SignedRequest,
  type WebRole,
} from '@keel/config';
import { LoginLimiter } from './login-limiter';
import { Sessions } from './sessions';
import type { CredentialStore } from '../ports/credential-store.port';

export interface Principal {
  /** A user name, or `apikey:<name>`. */
  readonly name: string;
  readonly role: WebRole;
  /** A request from another node (peers/): the user's own address, as that node saw it. */
  readonly address?: string;
  /** A request from another node: the node (or `keel -H` host) that signed it. */
  readonly via?: string;
}

/** Checks the node-to-node credential (peers/node-auth.ts). */
export interface NodeVerifier {
  verify(header: string, r: SignedRequest, address: string): NodeClaim | undefined;
}

/** An LDAP directory (ldap-directory.ts): the user's role, undefined for a refusal. */
export interface PasswordDirectory {
  /** Throws DirectoryUnavailable when the directory cannot be asked. */
  authenticate(user: string, password: string): Promise<{ name: string; role: WebRole } | undefined>;
}

/** The directory did not answer, or its configuration is refused: nobody is refused for it. */
export class DirectoryUnavailable extends Error {
  override readonly name = 'DirectoryUnavailable';
}

export type LoginOutcome =
  | { readonly ok: true; readonly session: string; readonly principal: Principal }
  | { readonly ok: false; readonly why: 'refused' }
  | { readonly ok: false; readonly why: 'unavailable'; readonly problem: string }
  | { readonly ok: false; readonly why: 'limited'; readonly retryAfterMs: number };

/** The credential files cannot be trusted: nobody is let in, and the log says why. */
export class CredentialsUnavailable extends Error {
  override readonly name = 'CredentialsUnavailable';
  constructor(readonly problem: CredentialFileError) {
    super('the web service cannot use its credential files; its log says why');
  }
}

/** A hash to check when the user does not exist, so the answer takes as long as for a real one. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class Authenticator {
  constructor(
    private readonly store: CredentialStore,
    private readonly sessions: Sessions,
    private readonly limiter: LoginLimiter,
    private readonly now: () => number,
    private readonly nodes?: NodeVerifier,
    private readonly directory?: PasswordDirectory,
  ) {}

  async login(user: string, password: string, address: string): Promise<LoginOutcome> {
    const keys = [`addr:${address}`, `user:${user}`];
    const wait = this.limiter.retryAfter(keys, this.now());
    if (wait > 0) return { ok: false, why: 'limited', retryAfterMs: wait };
    const entry = this.read('users').get(user);
    // The users file first: its users (the local administrator) still log in when LDAP is down.
    // A directory name goes into logs and the commands log: no control character in it.
    if (!entry && this.directory && !hasControlCharacter(user))
      return this.directoryLogin(user, password, keys);
    const ok = await verifyPassword(password, entry?.secret ?? DUMMY_HASH);
    if (!ok || !entry) {
      this.limiter.failed(keys, this.now());
      return { ok: false, why: 'refused' };
    }
    this.limiter.succeeded(keys);
    return {
      ok: true,
      session: this.sessions.open(entry.name, this.now()),
      principal: { name: entry.name, role: entry.role },
    };
  }

  private async directoryLogin(user: string, password: string, keys: string[]): Promise<LoginOutcome> {
    let found;
    try {
      found = await this.directory!.authenticate(user, password);
    } catch (err) {
      if (err instanceof DirectoryUnavailable) return { ok: false, why: 'unavailable', problem: err.message };
      throw err;
    }
    if (!found) {
      this.limiter.failed(keys, this.now());
      return { ok: false, why: 'refused' };
    }
    this.limiter.succeeded(keys);
    return {
      ok: true,
      session: this.sessions.open(found.name, this.now(), { source: 'ldap', role: found.role }),
      principal: { name: found.name, role: found.role },
    };
  }

  /**
   * Milliseconds before an OpenID Connect login from this address (and for this user, once the
   * provider named one) may go on; 0: now. The same limiter as the form login's.
   */
  outsideRetryAfter(address: string, user?: string): number {
    return this.limiter.retryAfter(limitKeys(address, user), this.now());
  }

  /** An OpenID Connect login that failed (a bad state, a refused code, no role): it counts. */
  outsideFailed(address: string, user?: string): void {
    this.limiter.failed(limitKeys(address, user), this.now());
  }

  /** The provider vouched for the user and its claims gave the role: a session like a form login's. */
  outsideLogin(user: string, role: WebRole, address: string): { session: string; principal: Principal } {
    this.limiter.succeeded(limitKeys(address, user));
    return {
      session: this.sessions.open(user, this.now(), { source: 'openid', role }),
      principal: { name: user, role },
    };
  }

  logout(session: string): void {
    this.sessions.close(session);
  }

  /** The session's user with its current role; undefined for an ended session or a removed user. */
  fromSession(session: string): Principal | undefined {
    const s = this.sessions.user(session, this.now());
    if (s?.outside) return { name: s.user, role: s.outside.role };
    const entry = s === undefined ? undefined : this.read('users').get(s.user);
    return entry && { name: entry.name, role: entry.role };
  }

  fromApiKey(token: string): Principal | undefined {
    const name = apiKeyName(token);
    const entry = name === undefined ? undefined : this.read('apikeys').get(name);
    return entry && apiKeyMatches(token, entry.secret)
      ? { name: `apikey:${entry.name}`, role: entry.role }
      : undefined;
  }

  /** A request another node signed for one of its users (the role it carries is the one enforced). */
  fromNode(header: string, r: SignedRequest, address: string): Principal | undefined {
    const claim = this.nodes?.verify(header, r, address);
    return claim && { name: claim.user, role: claim.role, address: claim.address, via: claim.from };
  }

  private read(kind: 'users' | 'apikeys') {
    try {
      return this.store.entries(kind);
    } catch (err) {
      if (err instanceof CredentialFileError) throw new CredentialsUnavailable(err);
      throw err;
    }
  }
}

const limitKeys = (address: string, user?: string) => [
  `addr:${address}`,
  ...(user === undefined ? [] : [`user:${user}`]),
];
