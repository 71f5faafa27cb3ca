// Login sessions, in the service's memory (a restart logs everybody out): a random 256-bit id in
// the `sessionSK` cookie (SafeKit's name, safekit-ops §10.9.5) names a user; the role is looked up
// again in the users file at every request, so removing a user or lowering its role takes effect
// at once. A user who logged in through LDAP or OpenID Connect (login-sources.ts) is in no file:
// the session keeps the role the directory or the provider gave at login. A session ends after
// SESSION_IDLE_MS without a request (SafeKit's SessionMaxAge).
import { randomBytes } from 'node:crypto';
import type { WebRole } from '@keel/config';

export const SESSION_COOKIE = 'sessionSK';
export const SESSION_IDLE_MS = 8 * 3600_000;
export const MAX_SESSIONS = 10_000;

/** Who a session is: a users-file name, or an outside user with the role given at login. */
export interface SessionUser {
  readonly user: string;
  /** ldap or openid: the role is the session's, not looked up in the users file. */
  readonly outside?: { readonly source: 'ldap' | 'openid'; readonly role: WebRole };
}

interface Session extends SessionUser {
  lastSeen: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly idleMs = SESSION_IDLE_MS,
    private readonly maxSessions = MAX_SESSIONS,
  ) {}

  open(user: string, now: number, outside?: SessionUser['outside']): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { user, ...(outside ? { outside } : {}), lastSeen: now });
    // The oldest sessions go first when there are too many: memory stays bounded.
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return id;
  }

  /** The session's user, and the session kept alive; undefined once it ended or for an unknown id. */
  user(id: string, now: number): SessionUser | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (now - s.lastSeen > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeen = now;
    return s;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }
}
