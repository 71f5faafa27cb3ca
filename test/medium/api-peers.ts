// Two api nodes on loopback for the HTTPS, proxy and `keel -H` medium tests: node1 on 127.0.0.1 and
// node2 on 127.0.0.2, the same ports (as every node of a cluster serves the same ones), the same
// cluster.xml and cluster key, and, with HTTPS, keel's own PKI made by `keel web initssl`.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { defaultTlsFiles } from '@keel/config';
import { webTls } from '../../apps/cli/src/commands/web-tls';
import type { CliIo } from '../../apps/cli/src/io';
import type { NodeFixture } from './node-fixture';

export const CLUSTER_KEY = 'ab'.repeat(32);
export const PEERS_CLUSTER = `<cluster><lans>
  <lan name="default"><node name="node1" addr="127.0.0.1"/><node name="node2" addr="127.0.0.2"/></lan>
</lans></cluster>
`;

/** A recorder io for the CLI, in a node's directories. */
export function cliIo(node: NodeFixture, name: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    env: { KEEL_ETC: node.etc, KEEL_VAR: node.var, KEEL_NODE: name },
    out: (l) => stdout.push(...l.split('\n')),
    err: (l) => stderr.push(...l.split('\n')),
  };
}

async function free(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** `count` ports free on both loopback addresses. */
export async function sharedPorts(count: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count) {
    const p = 20_000 + Math.floor(Math.random() * 40_000);
    if (!out.includes(p) && (await free('127.0.0.1', p)) && (await free('127.0.0.2', p))) out.push(p);
  }
  return out;
}

/** The web.conf of both nodes. */
export function webConf(httpPort: number, httpsPort?: number): string {
  return `http_port = ${httpPort}\n${httpsPort ? `https = on\nhttps_port = ${httpsPort}\n` : ''}`;
}

/**
 * Writes cluster.xml, the cluster key and web.conf; with `ca` (the tls directory of a node that
 * ran initssl sca) the node receives that CA and makes its certificate with initssl rca, else it
 * makes the CA itself. Returns the settings' https part.
 */
export async function prepareNode(
  node: NodeFixture,
  name: string,
  ports: { http: number; https?: number },
  ca?: string,
) {
  writeFileSync(join(node.var, 'cluster', 'cluster.xml'), PEERS_CLUSTER);
  writeFileSync(join(node.var, 'cluster', 'cluster.key'), CLUSTER_KEY, { mode: 0o600 });
  const web = join(node.etc, 'web');
  mkdirSync(web, { recursive: true, mode: 0o700 });
  writeFileSync(join(web, 'web.conf'), webConf(ports.http, ports.https));
  if (ports.https === undefined) return {};
  const io = cliIo(node, name);
  if (ca) {
    mkdirSync(join(web, 'tls'), { recursive: true, mode: 0o700 });
    for (const f of ['ca.crt', 'ca.key']) cpSync(join(ca, f), join(web, 'tls', f));
  }
  const code = await webTls(['initssl', ca ? 'rca' : 'sca'], io);
  if (code !== 0) throw new Error(`initssl failed: ${io.stderr.join('\n')}`);
  return { https: { port: ports.https, ...defaultTlsFiles(node.etc) } };
}

/** `call` over HTTPS, trusting only the given CA. */
export function callTls(
  base: string,
  method: string,
  path: string,
  options: { key: string; ca: string; json?: unknown },
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const req = httpsRequest(
      `${base}${path}`,
      {
        method,
        ca: options.ca,
        headers: {
          authorization: `Bearer ${options.key}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', (e: Error) => reject(new Error(`${method} ${base}${path}: ${e.message}`)));
    req.end(body);
  });
}
