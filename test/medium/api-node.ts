// A node for the api medium tests: a real nats-server with keel's generated configuration, the
// real admin service (its real scripts and files, as admin-cli.medium.spec.ts) and the real api
// service on a free loopback port with its own bus credential; three users, one per role, and an
// API key per role, written with the service's own credential store and hashes.
import { join } from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import {
  nodePaths,
  FileCredentialStore,
  apiKeyDigest,
  newApiKey,
  hashPassword,
  WEB_ROLES,
  type WebRole,
} from '@keel/config';
import {
  createCapturingSink,
  startNatsServer,
  type CapturingSink,
  type NatsServerHandle,
} from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { ApiModule } from '../../apps/api/src/api.module';
import { WebServer, type WebListen } from '../../apps/api/src/service/web-server';
import type { ApiSettings } from '../../apps/api/src/settings';
import { NodeFixture } from './node-fixture';

export const USERCONFIG = `<safe><service mode="mirror">
  <heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <user/>
</service></safe>`;

/** user name and password of each role's user: admin1/Admin-pw, ... */
export const userOf = (role: WebRole) => ({ user: `${role.toLowerCase()}1`, password: `${role}-password` });

export interface ApiNode {
  readonly node: NodeFixture;
  readonly base: string;
  /** With HTTPS on. */
  readonly secureBase?: string;
  /** One API key per role. */
  readonly keys: Readonly<Record<WebRole, string>>;
  readonly apiLog: CapturingSink;
  readonly store: FileCredentialStore;
  /** The node's bus, for a CLI run against it. */
  readonly natsUrl: string;
  stop(): Promise<void>;
}

/** Another node than the default one (node1 on loopback, port 0, HTTP): the peers tests. */
export interface ApiNodeOptions {
  readonly name?: string;
  readonly listen?: WebListen;
  /** Writes what the node needs (cluster.xml, cluster key, certificates) before its services start. */
  readonly prepare?: (node: NodeFixture) => Promise<Pick<ApiSettings, 'https'>>;
}

export async function startApiNode(options: ApiNodeOptions = {}): Promise<ApiNode> {
  const name = options.name ?? 'node1';
  const node = new NodeFixture('demo', USERCONFIG);
  const extra = options.prepare ? await options.prepare(node) : {};
  const nats: NatsServerHandle = await startNatsServer({ etc: node.etc });
  const env = { ...node.env(nats.url), KEEL_NODE: name };
  const started: INestApplicationContext[] = [];
  try {
    @Module({
      imports: [
        RuntimeModule.forRoot({
          logger: createLogger({ service: 'admin', node: name, sink: createCapturingSink() }),
          // The process metrics, as bootstrapService gives every service: /metrics merges them.
          metrics: createMetrics({ service: 'admin', node: name, processMetrics: true }),
        }),
        AdminModule.forNode(env),
      ],
    })
    class AdminRoot {}
    started.push(await startOnBus(AdminRoot, { logger: false }));

    const store = new FileCredentialStore(join(node.etc, 'web'));
    // Small scrypt costs would not test what runs; the real ones cost a few tens of ms each.
    store.save(
      'users',
      await Promise.all(
        WEB_ROLES.map(async (role) => ({
          name: userOf(role).user,
          role,
          secret: await hashPassword(userOf(role).password),
        })),
      ),
    );
    const keys = Object.fromEntries(
      WEB_ROLES.map((role) => [role, newApiKey(`${role.toLowerCase()}-key`)]),
    ) as Record<WebRole, string>;
    store.save(
      'apikeys',
      WEB_ROLES.map((role) => ({
        name: `${role.toLowerCase()}-key`,
        role,
        secret: apiKeyDigest(keys[role]),
      })),
    );

    const apiLog = createCapturingSink();
    const api = await startOnBus(
      ApiModule.forRoot({
        settings: {
          paths: nodePaths(env),
          natsUrl: nats.url,
          node: name,
          listen: options.listen ?? { host: '127.0.0.1', port: 0 },
          webDir: join(node.etc, 'web'),
          version: 'test',
          ...extra,
        },
        logger: createLogger({ service: 'api', node: name, sink: apiLog }),
        metrics: createMetrics({ service: 'api', node: name, processMetrics: true }),
      }),
      { logger: false },
    );
    started.push(api);
    const web = api.get(WebServer);
    const host = options.listen?.host ?? '127.0.0.1';
    const base = `http://${host}:${web.port}`;
    return {
      node,
      base,
      ...(web.httpsPort === undefined ? {} : { secureBase: `https://${host}:${web.httpsPort}` }),
      keys,
      apiLog,
      store,
      natsUrl: nats.url,
      stop: async () => {
        for (const app of started.reverse()) await app.close();
        await nats.stop();
        node.remove();
      },
    };
  } catch (e) {
    for (const app of started.reverse()) await app.close();
    await nats.stop();
    node.remove();
    throw e;
  }
}

/** A request with an API key (or none), the JSON or text answer and the status. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; cookie?: string; json?: unknown; raw?: string; type?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    headers['content-type'] = options.type ?? 'application/json';
    body = options.raw;
  }
  const r = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* a text answer */
  }
  return { status: r.status, body: parsed, headers: r.headers };
}
