// Medium-test setup: two heartbeat applications (node1, node2) over real UDP sockets on
// 127.0.0.1 only, each with its own nats-server (the bus never spans nodes), the system clock
// and its incarnation file, and an "admin" probe on each bus that records what heartbeat
// publishes.
//
// Every socket binds and sends on 127.0.0.1, never on any other address. cluster.xml cannot
// say so itself (a LAN refuses an address twice, and a module has one port on every LAN), so
// its addresses are labels that resolve nowhere (node1.lan1.invalid, RFC 6761) and both
// applications get a LoopbackNat as their UDP transport: the real DgramTransport, bound on
// 127.0.0.1 at a port of its own per planned endpoint, with destinations translated the same
// way. An endpoint the NAT does not know is refused, never resolved or sent to. Being in
// between, the NAT records what each socket receives (the genuine packets an attacker on the
// LAN could capture) and can cut what one node sends on one LAN.
import 'reflect-metadata';
import { createSocket, type Socket } from 'node:dgram';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import {
  codecs,
  NatsBus,
  subjects,
  type HeartbeatView,
  type LogLine,
  type PeerView,
  type ResourceSet,
} from '@keel/bus';
import { createLogger, createMetrics } from '@keel/runtime';
import { createCapturingSink, createInbox, InboxTimeoutError, startNatsServer } from '@keel/testing';
import type { Registry } from 'prom-client';
import { DgramTransport } from '../../src/adapters/dgram-transport';
import { HeartbeatModule } from '../../src/heartbeat.module';
import type { UdpEndpoint, UdpTransport } from '../../src/ports/udp.port';
import { HeartbeatService } from '../../src/service/heartbeat.service';
import { resolveHeartbeatSettings } from '../../src/settings';
import { nodeDirs } from './node-dirs';
import { metricValue } from './two-nodes';

export const MODULE = 'web';
export const LOOPBACK = '127.0.0.1';
export type NodeName = 'node1' | 'node2';
export type LanName = 'lan1' | 'lan2';
const NODES: readonly NodeName[] = ['node1', 'node2'];
const LANS: readonly LanName[] = ['lan1', 'lan2'];

/** cluster.xml's address of a node on a LAN: a label only, the NAT maps it to 127.0.0.1. */
const label = (node: NodeName, lan: LanName) => `${node}.${lan}.invalid`;
/** The module's heart port: a label too, nothing binds it. */
const HEART_PORT = 7100;
const keyOf = (e: UdpEndpoint) => `${e.address}|${e.port}`;
/** The key of `node`'s planned endpoint on `lan`. */
const plannedKey = (node: NodeName, lan: LanName) => keyOf({ address: label(node, lan), port: HEART_PORT });

export interface Arrival {
  readonly bytes: Uint8Array;
  readonly from: UdpEndpoint;
}

export class LoopbackNat {
  private readonly inner = new DgramTransport();
  private readonly arrivals = new Map<string, Arrival[]>();
  private readonly sent = new Map<string, number>();
  private readonly cuts = new Set<string>();

  private constructor(
    /** Planned endpoint -> port on 127.0.0.1. */
    private readonly ports: ReadonlyMap<string, number>,
    private readonly onEvent: () => void,
  ) {}

  static async create(onEvent: () => void): Promise<LoopbackNat> {
    const planned = NODES.flatMap((node) => LANS.map((lan) => plannedKey(node, lan)));
    const ports = await freeLoopbackPorts(planned.length);
    return new LoopbackNat(new Map(planned.map((key, i) => [key, ports[i]])), onEvent);
  }

  /** Where `node`'s socket on `lan` really is. */
  endpoint(node: NodeName, lan: LanName): UdpEndpoint {
    return { address: LOOPBACK, port: this.portOf(plannedKey(node, lan)) };
  }

  /** Every datagram `node`'s socket on `lan` received (copies), in order. */
  received(node: NodeName, lan: LanName): readonly Arrival[] {
    return this.arrivals.get(plannedKey(node, lan)) ?? [];
  }

  /** The datagrams `node`'s socket on `lan` received from `sender`'s socket on the same LAN. */
  receivedFrom(node: NodeName, sender: NodeName, lan: LanName): readonly Arrival[] {
    const { port } = this.endpoint(sender, lan);
    return this.received(node, lan).filter((a) => a.from.port === port);
  }

  /** How many datagrams `node` put on the wire on `lan` (a cut one is not counted). */
  sentBy(node: NodeName, lan: LanName): number {
    return this.sent.get(plannedKey(node, lan)) ?? 0;
  }

  /** From now on, what `node` sends on `lan` is dropped before the wire. */
  cut(node: NodeName, lan: LanName): void {
    this.cuts.add(plannedKey(node, lan));
  }

  mend(node: NodeName, lan: LanName): void {
    this.cuts.delete(plannedKey(node, lan));
  }

  transport(): UdpTransport {
    return {
      open: async (binding, onDatagram, onError) => {
        const key = keyOf(binding);
        const port = this.portOf(key);
        const log = this.arrivals.get(key) ?? [];
        this.arrivals.set(key, log);
        const socket = await this.inner.open(
          { address: LOOPBACK, port, lan: binding.lan },
          (bytes, from) => {
            log.push({ bytes: bytes.slice(), from });
            onDatagram(bytes, from);
            this.onEvent(); // after the service has handled it: its metrics are up to date
          },
          onError,
        );
        return {
          local: { address: binding.address, port: binding.port },
          send: (bytes, to) => {
            const dest = this.ports.get(keyOf(to));
            if (dest === undefined) {
              onError(new Error(`loopback NAT: ${to.address}:${to.port} is not a planned endpoint`));
              return;
            }
            if (this.cuts.has(key)) return;
            this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
            socket.send(bytes, { address: LOOPBACK, port: dest });
          },
          close: () => socket.close(),
        };
      },
    };
  }

  private portOf(key: string): number {
    const port = this.ports.get(key);
    if (port === undefined) throw new Error(`loopback NAT: ${key} is not a planned endpoint`);
    return port;
  }
}

/** Distinct free UDP ports on 127.0.0.1 (held together while probing, so they differ). */
async function freeLoopbackPorts(count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i++) sockets.push(await bindLoopback());
    return sockets.map((s) => s.address().port);
  } finally {
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function bindLoopback(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, LOOPBACK, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** A socket of someone else on the LAN (on 127.0.0.1, like everything here). */
export interface Attacker {
  readonly local: UdpEndpoint;
  send(bytes: Uint8Array, to: UdpEndpoint): Promise<void>;
  close(): Promise<void>;
}

export async function attacker(): Promise<Attacker> {
  const socket = await bindLoopback();
  return {
    local: { address: LOOPBACK, port: socket.address().port },
    send: (bytes, to) =>
      new Promise((resolve, reject) =>
        socket.send(bytes, to.port, to.address, (err) => (err ? reject(err) : resolve())),
      ),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/**
 * Sends `next()` from `from` to `to` now and then every `everyMs`, until stop(), which says
 * how many were sent.
 */
export function sendEvery(
  from: Attacker,
  to: UdpEndpoint,
  everyMs: number,
  next: () => Uint8Array,
): { stop(): number } {
  let sent = 0;
  const send = () => {
    sent++;
    from.send(next(), to).catch(() => undefined); // a lost one fails the count that follows
  };
  send();
  const timer = setInterval(send, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return sent;
    },
  };
}

export interface Admin {
  readonly bus: NatsBus;
  readonly sets: ResourceSet[];
  readonly views: HeartbeatView[];
  readonly logs: LogLine[];
  /** The last value heartbeat set for heartbeat.<ident>. */
  heartbeat(ident: string): string | undefined;
  /** The only peer of the last view published. */
  peer(): PeerView | undefined;
}

export interface PairNode {
  readonly name: NodeName;
  readonly admin: Admin;
  readonly service: HeartbeatService;
  metric(name: string, labels: Record<string, string>): Promise<number>;
}

/** What node1 knows and has published, to compare before and after. */
export interface Snapshot {
  readonly view: HeartbeatView | undefined;
  readonly published: HeartbeatView | undefined;
  readonly views: number;
  readonly sets: number;
  readonly logs: number;
  /** Packets accepted on lan1. */
  readonly received: number;
  readonly lanUp: { readonly lan1: number; readonly lan2: number };
  readonly remoteKnown: number;
}

export interface LoopbackPair {
  readonly nat: LoopbackNat;
  readonly node1: PairNode;
  readonly node2: PairNode;
  /**
   * Re-checks `condition` at every event (a datagram handled, a bus message received) until
   * it holds; fails after `ms` (a bound, not a timing assertion).
   */
  until(what: string, condition: () => boolean | Promise<boolean>, ms?: number): Promise<void>;
  /** node1 PRIM, node2 SECOND, until each sees the other on both LANs. */
  steady(): Promise<void>;
  /** Cuts what node2 sends on `lan` and waits until node1 has handled all it did send. */
  cutNode2(lan: LanName): Promise<void>;
  snapshot(node: PairNode): Promise<Snapshot>;
  /**
   * Asks node's heartbeat to publish again all it knows (what it does when admin restarts):
   * a fence, since it answers after everything it published before, and what it publishes is
   * its current view and per-LAN resources.
   */
  republish(node: PairNode): Promise<{ view: HeartbeatView; sets: ResourceSet[] }>;
  stop(): Promise<void>;
}

export interface LoopbackPairOptions {
  readonly pulse: string;
  readonly timeout: string;
}

const clusterXml = () => `<cluster><lans>
${LANS.map(
  (lan) =>
    `  <lan name="${lan}">${NODES.map((n) => `<node name="${n}" addr="${label(n, lan)}"/>`).join('')}</lan>`,
).join('\n')}
</lans></cluster>`;
const moduleXml = (o: LoopbackPairOptions) => `<safe><service mode="mirror">
  <heart port="${HEART_PORT}" pulse="${o.pulse}" timeout="${o.timeout}"><heartbeat name="lan1"/><heartbeat name="lan2" ident="flow"/></heart>
</service></safe>`;

export async function startLoopbackPair(options: LoopbackPairOptions): Promise<LoopbackPair> {
  const events = createInbox<void>();
  const nat = await LoopbackNat.create(() => events.push());
  // Undone in reverse order by stop(), also when the start fails half way.
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const undo of cleanups.splice(0).reverse()) await undo().catch(() => undefined);
  };

  async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 15_000) {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      try {
        await events.next(Math.max(1, deadline - Date.now()));
      } catch (err) {
        if (err instanceof InboxTimeoutError) throw new Error(`timed out waiting for: ${what}`);
        throw err;
      }
    }
  }

  async function makeNode(name: NodeName): Promise<PairNode> {
    const dirs = nodeDirs(name);
    cleanups.push(async () => dirs.remove());
    dirs.writeCluster(clusterXml());
    dirs.writeKey();
    dirs.writeModule(MODULE, moduleXml(options), 1);
    const server = await startNatsServer();
    cleanups.push(() => server.stop());
    const admin = await connectAdmin(name, server.url, () => events.push());
    cleanups.push(() => admin.bus.close());
    const settings = resolveHeartbeatSettings({ ...dirs.env, KEEL_NATS_URL: server.url });
    const registry: Registry = createMetrics({ service: 'heartbeat', node: name });
    const app = await NestFactory.createApplicationContext(
      HeartbeatModule.forRoot({
        settings,
        logger: createLogger({ service: 'heartbeat', node: name, sink: createCapturingSink() }),
        metrics: registry,
        transport: nat.transport(),
      }),
      { logger: false, abortOnError: false },
    );
    cleanups.push(() => app.close());
    await admin.bus.flush();
    return {
      name,
      admin,
      service: app.get(HeartbeatService),
      metric: (metric, labels) => metricValue(registry, metric, labels),
    };
  }

  let node1: PairNode;
  let node2: PairNode;
  try {
    node1 = await makeNode('node1');
    node2 = await makeNode('node2');
  } catch (err) {
    await stop();
    throw err;
  }

  const announce = (node: PairNode, state: 'PRIM' | 'SECOND') =>
    node.admin.bus.publish(subjects.state(MODULE), codecs.stateChange, {
      module: MODULE,
      state,
      readiness: 'Ready',
      since: new Date().toISOString(),
    });

  return {
    nat,
    node1,
    node2,
    until,
    async steady() {
      announce(node1, 'PRIM');
      announce(node2, 'SECOND');
      await until(
        'node1 sees both LANs up and node2 SECOND, node2 sees node1 PRIM',
        () =>
          node1.admin.heartbeat('lan1') === 'up' &&
          node1.admin.heartbeat('flow') === 'up' &&
          node1.admin.peer()?.state === 'SECOND' &&
          node2.admin.peer()?.state === 'PRIM',
      );
    },
    async cutNode2(lan) {
      nat.cut('node2', lan);
      await until(
        `node1 handled all node2 sent on ${lan}`,
        () => nat.receivedFrom('node1', 'node2', lan).length === nat.sentBy('node2', lan),
      );
    },
    async snapshot(node) {
      const m = (metric: string, labels: Record<string, string>) =>
        node.metric(metric, { module: MODULE, ...labels });
      return {
        view: node.service.view(MODULE),
        published: node.admin.views.at(-1),
        views: node.admin.views.length,
        sets: node.admin.sets.length,
        logs: node.admin.logs.length,
        received: await m('keel_heartbeat_packets_received_total', { lan: 'lan1' }),
        lanUp: {
          lan1: await m('keel_heartbeat_lan_up', { lan: 'lan1' }),
          lan2: await m('keel_heartbeat_lan_up', { lan: 'lan2' }),
        },
        remoteKnown: await m('keel_heartbeat_remote_known', {}),
      };
    },
    async republish(node) {
      const views = node.admin.views.length;
      const sets = node.admin.sets.length;
      node.admin.bus.publish(subjects.nodeServices(), codecs.servicePresence, {
        service: 'admin',
        status: 'ready',
        pid: process.pid,
      });
      await until(`${node.name} publishes its view again`, () => node.admin.views.length > views);
      // Handlers of different subjects may run in either order within one turn; let them all.
      await nextTurn();
      return { view: node.admin.views[views], sets: node.admin.sets.slice(sets) };
    },
    stop,
  };
}

async function connectAdmin(node: NodeName, url: string, onEvent: () => void): Promise<Admin> {
  const bus = await NatsBus.connect({ url, source: { service: 'admin', node } });
  const sets: ResourceSet[] = [];
  const views: HeartbeatView[] = [];
  const logs: LogLine[] = [];
  const record =
    <T>(into: T[]) =>
    (m: { payload: T }) => {
      into.push(m.payload);
      onEvent();
    };
  await bus.subscribe(subjects.resourceSet(MODULE), codecs.resourceSet, record(sets));
  await bus.subscribe(subjects.heartbeatView(MODULE), codecs.heartbeatView, record(views));
  await bus.subscribe(subjects.log(MODULE), codecs.logLine, record(logs));
  return {
    bus,
    sets,
    views,
    logs,
    heartbeat: (ident) => sets.filter((s) => s.name === `heartbeat.${ident}`).at(-1)?.value,
    peer: () => views.at(-1)?.peers[0],
  };
}
