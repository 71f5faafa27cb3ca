// Medium test: the real thing on one host. Two heartbeat applications (node1, node2), each
// with its own nats-server (the bus never spans nodes), real UDP sockets on loopback addresses
// (lan1: 127.0.0.11/12, lan2: 127.0.0.21/22), the system clock and the incarnation file.
// Shows: heartbeats exchanged, loss detected when node2 stops, recovery after node2 restarts
// with a new incarnation. Forged and replayed packets over real UDP: dgram-forged.medium.spec.ts
// and dgram-replay.medium.spec.ts.
import 'reflect-metadata';
import { createSocket } from 'node:dgram';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { codecs, NatsBus, subjects, type HeartbeatView, type ResourceSet } from '@keel/bus';
import { createLogger, createMetrics } from '@keel/runtime';
import { createCapturingSink, startNatsServer, type NatsServerHandle } from '@keel/testing';
import type { Registry } from 'prom-client';
import { HeartbeatModule } from '../src/heartbeat.module';
import { HeartbeatService } from '../src/service/heartbeat.service';
import { resolveHeartbeatSettings } from '../src/settings';
import { metricValue } from './support/two-nodes';
import { nodeDirs, type NodeDirs } from './support/node-dirs';

jest.setTimeout(60_000);

const ADDR = {
  node1: { lan1: '127.0.0.11', lan2: '127.0.0.21' },
  node2: { lan1: '127.0.0.12', lan2: '127.0.0.22' },
};
const clusterXml = `<cluster><lans>
  <lan name="lan1"><node name="node1" addr="${ADDR.node1.lan1}"/><node name="node2" addr="${ADDR.node2.lan1}"/></lan>
  <lan name="lan2"><node name="node1" addr="${ADDR.node1.lan2}"/><node name="node2" addr="${ADDR.node2.lan2}"/></lan>
</lans></cluster>`;
const moduleXml = (port: number) => `<safe><service mode="mirror">
  <heart port="${port}" pulse="100ms" timeout="600ms"><heartbeat name="lan1"/><heartbeat name="lan2" ident="flow"/></heart>
</service></safe>`;

interface Admin {
  readonly bus: NatsBus;
  readonly sets: ResourceSet[];
  readonly views: HeartbeatView[];
  heartbeat(ident: string): string | undefined;
  peer(): HeartbeatView['peers'][number] | undefined;
}

interface Node {
  readonly name: 'node1' | 'node2';
  readonly dirs: NodeDirs;
  readonly server: NatsServerHandle;
  readonly admin: Admin;
  app: INestApplicationContext | undefined;
  registry: Registry | undefined;
}

async function connectAdmin(node: string, url: string): Promise<Admin> {
  const bus = await NatsBus.connect({ url, source: { service: 'admin', node } });
  const sets: ResourceSet[] = [];
  const views: HeartbeatView[] = [];
  await bus.subscribe(subjects.resourceSet('web'), codecs.resourceSet, (m) => {
    sets.push(m.payload);
  });
  await bus.subscribe(subjects.heartbeatView('web'), codecs.heartbeatView, (m) => {
    views.push(m.payload);
  });
  return {
    bus,
    sets,
    views,
    heartbeat: (ident) => sets.filter((s) => s.name === `heartbeat.${ident}`).at(-1)?.value,
    peer: () => views.at(-1)?.peers[0],
  };
}

async function startApp(node: Node): Promise<void> {
  const settings = resolveHeartbeatSettings({ ...node.dirs.env, KEEL_NATS_URL: node.server.url });
  const registry = createMetrics({ service: 'heartbeat', node: node.name });
  node.registry = registry;
  node.app = await NestFactory.createApplicationContext(
    HeartbeatModule.forRoot({
      settings,
      logger: createLogger({ service: 'heartbeat', node: node.name, sink: createCapturingSink() }),
      metrics: registry,
    }),
    { logger: false, abortOnError: false },
  );
  await node.admin.bus.flush();
}

async function stopApp(node: Node): Promise<void> {
  await node.app?.close();
  node.app = undefined;
}

function announce(node: Node, state: 'PRIM' | 'SECOND'): void {
  node.admin.bus.publish(subjects.state('web'), codecs.stateChange, {
    module: 'web',
    state,
    readiness: 'Ready',
    since: new Date().toISOString(),
  });
}

/** Polls until `condition` holds; fails after `ms` (a bound, not a timing assertion). */
async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, ADDR.node1.lan1, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let node1: Node;
let node2: Node;

beforeAll(async () => {
  const port = await freeUdpPort();
  const make = async (name: 'node1' | 'node2'): Promise<Node> => {
    const dirs = nodeDirs(name);
    dirs.writeCluster(clusterXml);
    dirs.writeKey();
    dirs.writeModule('web', moduleXml(port), 1);
    const server = await startNatsServer();
    return {
      name,
      dirs,
      server,
      admin: await connectAdmin(name, server.url),
      app: undefined,
      registry: undefined,
    };
  };
  node1 = await make('node1');
  node2 = await make('node2');
  await startApp(node1);
  await startApp(node2);
});

afterAll(async () => {
  for (const node of [node1, node2]) {
    if (!node) continue;
    await stopApp(node).catch(() => undefined);
    await node.admin.bus.close().catch(() => undefined);
    await node.server.stop();
    node.dirs.remove();
  }
});

it('exchanges heartbeats on both LANs over real UDP', async () => {
  announce(node1, 'PRIM');
  announce(node2, 'SECOND');
  await waitFor(
    'node1 sees both LANs up and node2 SECOND',
    () =>
      node1.admin.heartbeat('lan1') === 'up' &&
      node1.admin.heartbeat('flow') === 'up' &&
      node1.admin.peer()?.state === 'SECOND',
  );
  await waitFor('node2 sees node1 PRIM', () => node2.admin.peer()?.state === 'PRIM');
  expect(node1.admin.peer()?.lans.map((l) => l.status)).toEqual(['up', 'up']);
});

it('detects the loss when node2 stops, and recovers when it restarts', async () => {
  const before = node1.app!.get(HeartbeatService).view('web')?.peers[0].incarnation;
  await stopApp(node2);
  await waitFor(
    'node1 sees both heartbeats down and node2 UNKNOWN',
    () =>
      node1.admin.heartbeat('lan1') === 'down' &&
      node1.admin.heartbeat('flow') === 'down' &&
      node1.admin.peer()?.state === 'UNKNOWN',
  );
  expect(await metricValue(node1.registry!, 'keel_heartbeat_lan_up', { module: 'web', lan: 'lan1' })).toBe(0);

  await startApp(node2);
  announce(node2, 'SECOND'); // admin tells the restarted heartbeat its state
  await waitFor(
    'node1 sees node2 again',
    () => node1.admin.heartbeat('lan1') === 'up' && node1.admin.peer()?.state === 'SECOND',
  );
  expect(node1.admin.peer()?.incarnation).toBeGreaterThan(before ?? 0);
});
