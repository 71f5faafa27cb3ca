// Medium-test setup: two heartbeat applications (node1, node2) on one host, each with its own
// nats-server (the bus never spans nodes) and an admin probe on it, the real DgramTransport on
// loopback addresses, the system clock and the incarnation file.
//
// node1 is behind NAT on lan1 (cluster.xml: addr 127.0.0.13, laddr 127.0.0.11): it binds
// 127.0.0.11 while node2 sends to 127.0.0.13, where the "tap", a relay socket, records each
// datagram (what an attacker on the LAN can capture) and forwards it to node1, or drops it
// once cut. lan2 (127.0.0.21/22) and node1's lan1 packets to node2 (127.0.0.12) go direct.
// "mallory" is someone else on lan1 (127.0.0.19).
import 'reflect-metadata';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { INestApplicationContext } from '@nestjs/common';
import { NatsBus } from '@keel/bus';
import { createLogger, createMetrics, startOnBus } from '@keel/runtime';
import { createCapturingSink, startNatsServer, type NatsServerHandle } from '@keel/testing';
import type { Registry } from 'prom-client';
import { HeartbeatModule } from '../../src/heartbeat.module';
import { HeartbeatService } from '../../src/service/heartbeat.service';
import { resolveHeartbeatSettings } from '../../src/settings';
import { mirrorXml } from './fixtures';
import { decoded } from './packets';
import { nodeDirs, type NodeDirs } from './node-dirs';
import { AdminProbe, metricValue, MODULE } from './two-nodes';

export const ADDR = {
  node1: { lan1: '127.0.0.11', lan2: '127.0.0.21' },
  node2: { lan1: '127.0.0.12', lan2: '127.0.0.22' },
  tap: '127.0.0.13',
  mallory: '127.0.0.19',
};
const CLUSTER_XML = `<cluster><lans>
  <lan name="lan1"><node name="node1" addr="${ADDR.tap}" laddr="${ADDR.node1.lan1}"/><node name="node2" addr="${ADDR.node2.lan1}"/></lan>
  <lan name="lan2"><node name="node1" addr="${ADDR.node1.lan2}"/><node name="node2" addr="${ADDR.node2.lan2}"/></lan>
</lans></cluster>`;

export interface PairNode {
  readonly name: 'node1' | 'node2';
  readonly dirs: NodeDirs;
  readonly server: NatsServerHandle;
  readonly admin: AdminProbe;
  app?: INestApplicationContext;
  registry?: Registry;
}
export type Pair = Awaited<ReturnType<typeof startPair>>;

export async function startPair(timeout: string) {
  // Undone in reverse order by stop(), also when the start fails half way.
  const cleanups: Array<() => unknown> = [];
  const stop = async () => {
    for (const undo of cleanups.splice(0).reverse()) await Promise.resolve(undo()).catch(() => undefined);
  };
  try {
    // The tap's free port is the heart port: held, so no other pair of these tests takes it.
    const relay = await udpSocket(ADDR.tap, cleanups);
    const port = relay.address().port;
    const tap = { forwarded: [] as Uint8Array[], cut: false };
    relay.on('message', (msg) => {
      if (tap.cut) return;
      tap.forwarded.push(Uint8Array.from(msg));
      relay.send(msg, port, ADDR.node1.lan1);
    });
    const mallory = await udpSocket(ADDR.mallory, cleanups);
    const make = async (name: PairNode['name']) => {
      const dirs = nodeDirs(name);
      cleanups.push(() => dirs.remove());
      dirs.writeCluster(CLUSTER_XML);
      dirs.writeKey();
      dirs.writeModule(MODULE, mirrorXml({ timeout, port }), 1);
      // The node's bus files in its KEEL_ETC, where the heartbeat service reads its credential.
      const server = await startNatsServer({ etc: dirs.env.KEEL_ETC });
      cleanups.push(() => server.stop());
      const bus = await NatsBus.connect({
        url: server.url,
        source: { service: 'admin', node: name },
        credential: server.credential('admin'),
      });
      cleanups.push(() => bus.close());
      const node: PairNode = { name, dirs, server, admin: await AdminProbe.attach(bus) };
      cleanups.push(() => stopApp(node));
      return node;
    };
    const node1 = await make('node1');
    const node2 = await make('node2');
    await startApp(node1);
    await startApp(node2);
    return { port, node1, node2, tap, mallory, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function startApp(node: PairNode): Promise<void> {
  const settings = resolveHeartbeatSettings({ ...node.dirs.env, KEEL_NATS_URL: node.server.url });
  node.registry = createMetrics({ service: 'heartbeat', node: node.name });
  const views = node.admin.views.length;
  node.app = await startOnBus(
    HeartbeatModule.forRoot({
      settings,
      logger: createLogger({ service: 'heartbeat', node: node.name, sink: createCapturingSink() }),
      metrics: node.registry,
    }),
    { logger: false },
  );
  // Heartbeat publishes a view as it starts: once admin has it, its peer() can be read.
  await waitFor(`${node.name} publishes its view`, () => node.admin.views.length > views);
}

export async function stopApp(node: PairNode): Promise<void> {
  await node.app?.close();
  node.app = undefined;
}

/** Polls until `condition` holds; fails after `ms` (a bound, not a timing assertion). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** node1 PRIM, node2 SECOND, until each sees the other and node1 sees both LANs up. */
export async function steady({ node1, node2 }: Pair): Promise<void> {
  node1.admin.setState('PRIM', 'Ready');
  node2.admin.setState('SECOND', 'Ready');
  await waitFor(
    'node1 sees both LANs up and node2 SECOND, node2 sees node1 PRIM',
    () =>
      node1.admin.heartbeat('lan1') === 'up' &&
      node1.admin.heartbeat('flow') === 'up' &&
      node1.admin.peer().state === 'SECOND' &&
      node2.admin.peer().state === 'PRIM',
  );
}

export const service = (node: PairNode) => node.app!.get(HeartbeatService);

/**
 * What the tap forwarded that node1's heartbeat, as it runs now, could accept: the packets node2
 * made once it had heard this start of node1 (they echo its incarnation). The others, sent
 * before, were refused as stale.
 */
export const freshForwarded = (t: Pair): Uint8Array[] =>
  t.tap.forwarded.filter((bytes) => decoded(bytes).echo === service(t.node1).currentIncarnation);
export const metric = (node: PairNode, name: string, labels: Record<string, string> = {}) =>
  metricValue(node.registry!, name, { module: MODULE, ...labels });

async function udpSocket(address: string, cleanups: Array<() => unknown>): Promise<Socket> {
  const socket = createSocket('udp4').bind(0, address);
  await once(socket, 'listening');
  cleanups.push(() => new Promise((resolve) => socket.close(() => resolve(undefined))));
  return socket;
}
