// Who is calling: a session cookie from a form login, or an API key (Authorization: Bearer), each
// checked against the current credential files. Logins are rate-limited per address and per user
// name. No password, key or session id is ever put in a log line or an error message.
import {
  apiKeyMatches,
  apiKeyName,
  CredentialFileError,
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

export type LoginOutcome =
  | { readonly ok: true; readonly session: string; readonly principal: Principal }
  | { readonly ok: false; readonly why: 'refused' }
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
  ) {}

  async login(user: string, password: string, address: string): Promise<LoginOutcome> {
    const keys = [`addr:${address}`, `user:${user}`];
    const wait = this.limiter.retryAfter(keys, this.now());
    if (wait > 0) return { ok: false, why: 'limited', retryAfterMs: wait };
    const entry = this.read('users').get(user);
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

  logout(session: string): void {
    this.sessions.close(session);
  }

  /** The session's user with its current role; undefined for an ended session or a removed user. */
  fromSession(session: string): Principal | undefined {
    const name = this.sessions.user(session, this.now());
    const entry = name === undefined ? undefined : this.read('users').get(name);
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
