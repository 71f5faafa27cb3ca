// Login sessions, in the service's memory (a restart logs everybody out): a random 256-bit id in
// the `sessionSK` cookie (SafeKit's name, safekit-ops §10.9.5) names a user; the role is looked up
// again in the users file at every request, so removing a user or lowering its role takes effect
// at once. A session ends after SESSION_IDLE_MS without a request (SafeKit's SessionMaxAge).
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'sessionSK';
export const SESSION_IDLE_MS = 8 * 3600_000;
export const MAX_SESSIONS = 10_000;

interface Session {
  readonly user: string;
  lastSeen: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly idleMs = SESSION_IDLE_MS,
    private readonly maxSessions = MAX_SESSIONS,
  ) {}

  open(user: string, now: number): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { user, lastSeen: now });
    // The oldest sessions go first when there are too many: memory stays bounded.
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return id;
  }

  /** The session's user, and the session kept alive; undefined once it ended or for an unknown id. */
  user(id: string, now: number): string | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (now - s.lastSeen > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeen = now;
    return s.user;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }
}
