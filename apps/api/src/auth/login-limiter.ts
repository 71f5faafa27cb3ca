// Login attempts, rate-limited (issue 13): after MAX_FAILURES failed logins within WINDOW_MS from
// one address, or for one user name, further attempts from it (or for it) are refused until the
// oldest failure leaves the window — whether the password would be right or not, so guessing
// cannot go on at more than MAX_FAILURES per window. A success clears the user name's and the
// address's failures. Pure: `now` is given; the memory is bounded.
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
/** Beyond this many tracked keys the oldest are forgotten (a flood cannot grow the map). */
export const MAX_KEYS = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = MAX_FAILURES,
    private readonly windowMs = WINDOW_MS,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Milliseconds until an attempt for these keys may be made; 0: now. */
  retryAfter(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, recent[0]! + this.windowMs - now);
    }
    return wait;
  }

  failed(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const recent = this.recent(key, now);
      recent.push(now);
      this.failures.delete(key);
      this.failures.set(key, recent.slice(-this.maxFailures));
    }
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
