// The node-to-node credential on the receiving side and the sending side (docs/decisions/0021):
// the key is derived from this node's cluster key, read again when the file changes, so a new
// cluster key holds without a restart. A node without a usable cluster key neither accepts nor
// sends node requests (the proxy answers 503 and says why).
import { statSync } from 'node:fs';
import {
  loadClusterKeyFile,
  nodeCredentialKey,
  NODE_AUTH_WINDOW_MS,
  signNodeRequest,
  verifyNodeRequest,
  type NodeClaim,
  type SignedRequest,
} from '@keel/config';
import type { Logger } from '@keel/runtime';

/** Nonces seen within the window: a captured request is refused the second time. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = 100_000) {}

  fresh(nonce: string, ts: number, nowMs: number): boolean {
    for (const [n, t] of this.seen) {
      if (t >= nowMs - 2 * NODE_AUTH_WINDOW_MS && this.seen.size <= this.max) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, ts);
    return true;
  }
}

export class NodeAuth {
  private cached: { stamp: string; key: Buffer } | undefined;
  private readonly replays = new ReplayGuard();

  constructor(
    private readonly keyFile: string,
    private readonly wallClock: () => number,
    private readonly logger: Logger,
  ) {}

  /** The derived key; throws ClusterKeyError (its message says what to fix). */
  key(): Buffer {
    const st = statSync(this.keyFile, { throwIfNoEntry: false });
    const stamp = st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
    if (this.cached?.stamp === stamp) return this.cached.key;
    const key = nodeCredentialKey(loadClusterKeyFile(this.keyFile));
    this.cached = { stamp, key };
    return key;
  }

  sign(claim: Omit<NodeClaim, 'nonce' | 'ts'>, r: SignedRequest): string {
    return signNodeRequest(this.key(), claim, r, this.wallClock());
  }

  /** The claims of a validly signed request; undefined (and a log line) otherwise. */
  verify(header: string, r: SignedRequest, address: string): NodeClaim | undefined {
    let key: Buffer;
    try {
      key = this.key();
    } catch (err) {
      this.logger.warn('node request refused: no usable cluster key', { problem: (err as Error).message });
      return undefined;
    }
    const now = this.wallClock();
    const v = verifyNodeRequest(key, header, r, now, (nonce, ts) => this.replays.fresh(nonce, ts, now));
    if (v.ok) return v.claim;
    this.logger.warn('node request refused', { why: v.why, address });
    return undefined;
  }
}
