// One HTTP(S) request to a node's web service, as the api's proxy (/api/v1.0/nodes/<node>/...) and
// `keel -H` send it (docs/decisions/0021): HTTPS is checked against the cluster's CA only when one
// is given (else the system's), the answer is read whole (at most 16 MiB), and a node that does
// not answer fails with NodeUnreachable saying how.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { ClusterConfig } from '../model/cluster';

export const NODE_REQUEST_TIMEOUT_MS = 30_000;
const MAX_ANSWER = 16 * 1024 * 1024;

export class NodeUnreachable extends Error {
  override readonly name = 'NodeUnreachable';
  constructor(
    readonly origin: string,
    readonly why: string,
    readonly timedOut = false,
  ) {
    super(`${origin} does not answer (${why})`);
  }
}

export interface NodeAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface NodeRequest {
  /** http(s)://host:port */
  readonly origin: string;
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** PEM CA bundle for HTTPS. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

/** The address of a node on the lan of distributed commands (command="on", else the first). */
export function nodeCommandAddress(cluster: ClusterConfig, node: string): string | undefined {
  const lan = cluster.lans.find((l) => l.name === cluster.commandLan) ?? cluster.lans[0];
  return lan?.nodes.find((n) => n.name === node)?.addr;
}

/** `http(s)://host:port`, an IPv6 address in brackets. */
export function webOrigin(https: boolean, host: string, port: number): string {
  return `${https ? 'https' : 'http'}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

export function nodeRequest(r: NodeRequest): Promise<NodeAnswer> {
  const target = new URL(r.url, r.origin);
  const https = target.protocol === 'https:';
  const body = r.body && r.body.length > 0 ? r.body : undefined;
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      target,
      {
        method: r.method,
        headers: { ...r.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        ...(https && r.ca ? { ca: r.ca } : {}),
        timeout: r.timeoutMs ?? NODE_REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER) req.destroy(new Error(`its answer is larger than ${MAX_ANSWER} bytes`));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', (err) => reject(new NodeUnreachable(r.origin, err.message)));
      },
    );
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`no answer within ${(r.timeoutMs ?? NODE_REQUEST_TIMEOUT_MS) / 1000}s`), {
          timedOut: true,
        }),
      ),
    );
    req.on('error', (err: NodeJS.ErrnoException & { timedOut?: boolean }) =>
      reject(
        new NodeUnreachable(
          r.origin,
          err.code ? `${err.code}: ${err.message}` : err.message,
          err.timedOut === true,
        ),
      ),
    );
    req.end(body);
  });
}
