// A node's web service as `keel -H` reaches it (docs/decisions/0021): every request signed with the
// node credential for root (Admin), which only root can make since it comes from cluster.key.
import { nodeRequest, NodeUnreachable, signNodeRequest, type NodeClaim } from '@keel/config';
import { CommandFailed } from '../admin-client';

export interface WebClientOptions {
  readonly origin: string;
  readonly key: Uint8Array;
  readonly claim: Omit<NodeClaim, 'nonce' | 'ts'>;
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export class WebClient {
  constructor(private readonly o: WebClientOptions) {}

  /** The JSON answer; CommandFailed with the server's message otherwise. */
  async call(method: string, url: string, json?: unknown): Promise<any> {
    const body = json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json));
    const authorization = signNodeRequest(this.o.key, this.o.claim, { method, url, body }, Date.now());
    let answer;
    try {
      answer = await nodeRequest({
        origin: this.o.origin,
        method,
        url,
        headers: { authorization, ...(body.length > 0 ? { 'content-type': 'application/json' } : {}) },
        body,
        ...(this.o.ca ? { ca: this.o.ca } : {}),
        ...(this.o.timeoutMs ? { timeoutMs: this.o.timeoutMs } : {}),
      });
    } catch (err) {
      if (err instanceof NodeUnreachable)
        throw new CommandFailed(`the web service at ${err.message}`, 'unreachable');
      throw err;
    }
    let parsed: any;
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (answer.status >= 200 && answer.status < 300) return parsed;
    const message = typeof parsed?.message === 'string' ? parsed.message : `HTTP ${answer.status}`;
    if (answer.status === 401)
      throw new CommandFailed(
        `${message} (is the cluster key the same on this node and ${this.o.origin}?)`,
        'refused',
      );
    throw new CommandFailed(message, answer.status >= 502 ? 'unreachable' : 'refused');
  }
}
