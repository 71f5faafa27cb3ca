// `keel -H "<hosts>"` (safekit-ops §9.8): which web services a distributed command goes to. Pure.
//   *                          every node of cluster.xml
//   node1,node2                nodes of cluster.xml by name (any other item: a host name or address)
//   [https:9453],host1,host2   hosts with the scheme and port given ([http] is 9010, [https] 9453)
//   http://a:9010,https://b    URLs
// Without a [scheme:port] prefix, the scheme and port are this node's web service's (web.conf).
import { isIP } from 'node:net';
import { HTTP_PORT, HTTPS_PORT, webOrigin } from '@keel/config';
import { UsageError } from '../io';

export interface HostsContext {
  /** cluster.xml's nodes, in its order, each with its address on the lan of distributed commands. */
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly addr: string }>;
  /** This node's web service. */
  readonly https: boolean;
  readonly port: number;
}

export interface Target {
  /** http(s)://host:port, what the banner shows. */
  readonly origin: string;
}

const PREFIX = /^\[(https?)(?::(\d{1,5}))?\]$/;
const HOST = /^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$/;

function port(text: string, spec: string): number {
  const p = Number(text);
  if (!Number.isInteger(p) || p < 1 || p > 65535)
    throw new UsageError(`-H "${spec}": port ${text} is not between 1 and 65535`);
  return p;
}

export function parseHosts(spec: string, ctx: HostsContext): Target[] {
  const trimmed = spec.trim();
  if (trimmed === '*') {
    if (ctx.nodes.length === 0) throw new UsageError('-H "*": cluster.xml lists no node');
    return ctx.nodes.map((n) => ({ origin: webOrigin(ctx.https, n.addr, ctx.port) }));
  }
  const items = trimmed.split(',').map((i) => i.trim());
  let https = ctx.https;
  let p = ctx.port;
  const prefix = PREFIX.exec(items[0] ?? '');
  if (prefix) {
    items.shift();
    https = prefix[1] === 'https';
    p = prefix[2] === undefined ? (https ? HTTPS_PORT : HTTP_PORT) : port(prefix[2], spec);
  }
  if (items.length === 0 || items.some((i) => i === ''))
    throw new UsageError(
      `-H "${spec}": give *, node names, [http|https[:port]],hosts or URLs, separated by commas`,
    );
  return items.map((item) => {
    if (/^https?:\/\//i.test(item)) {
      let u: URL;
      try {
        u = new URL(item);
      } catch {
        throw new UsageError(`-H "${spec}": ${item} is not a URL`);
      }
      if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.username || u.password)
        throw new UsageError(`-H "${spec}": ${item}: give only scheme, host and port`);
      const s = u.protocol === 'https:';
      return {
        origin: webOrigin(
          s,
          u.hostname.replace(/^\[|\]$/g, ''),
          u.port ? port(u.port, spec) : s ? HTTPS_PORT : HTTP_PORT,
        ),
      };
    }
    const node = ctx.nodes.find((n) => n.name === item);
    if (node) return { origin: webOrigin(https, node.addr, p) };
    const host = item.replace(/^\[(.*)\]$/, '$1');
    if (!isIP(host) && !HOST.test(host))
      throw new UsageError(
        `-H "${spec}": ${item} is neither a node of cluster.xml nor a host name or address`,
      );
    return { origin: webOrigin(https, host, p) };
  });
}

/** The line before each server's output, as SafeKit prints it. */
export function serverBanner(origin: string): string {
  return `---------------- Server=${origin} ----------------`;
}

/** 0 when every server's command succeeded, else the highest exit code among them. */
export function overallExit(codes: readonly number[]): number {
  return codes.reduce((a, b) => Math.max(a, b), 0);
}
