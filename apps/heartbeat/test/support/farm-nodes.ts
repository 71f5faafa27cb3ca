// Three heartbeat services serving one farm module (`lb`, farm LAN `lanf`, one load-balancing
// group of every node at power 1 unless said otherwise) over the in-memory UDP network, each with
// its own in-memory bus and a probe that plays admin: it publishes the local state and keeps the
// farm views heartbeat publishes.
import { codecs, subjects, type FarmViewMessage } from '@keel/bus';
import { parseClusterConfig, parseModuleConfig } from '@keel/config';
import type { INestMicroservice } from '@nestjs/common';
import { createLogger, startOnBus } from '@keel/runtime';
import { createCapturingSink, FakeClock, InMemoryBusNetwork, settle, type InMemoryBus } from '@keel/testing';
import { Registry } from 'prom-client';
import { InMemoryUdpNetwork } from '../../src/adapters/in-memory-udp';
import { CountingIncarnationSource } from '../../src/adapters/incarnation-file';
import { buildPlan } from '../../src/core/plan';
import { HeartbeatModule } from '../../src/heartbeat.module';
import { HeartbeatService } from '../../src/service/heartbeat.service';
import { heartbeatPaths } from '../../src/settings';
import { CLUSTER_KEY } from './fixtures';

export const FARM = 'lb';
export const FARM_PULSE_MS = 100;
/** The farm's membership: a follower is lost after 3 pulses, the leader after 6. */
export const SLOST = 3;
export const MLOST = 6;
export const NODES = ['node1', 'node2', 'node3'] as const;
export type FarmNodeName = (typeof NODES)[number];
export const address = (node: FarmNodeName) => `10.9.0.${NODES.indexOf(node) + 1}`;

const CLUSTER = parseClusterConfig(
  `<cluster><lans><lan name="lanf">${NODES.map((n) => `<node name="${n}" addr="${address(n)}"/>`).join('')}</lan></lans></cluster>`,
  'cluster.xml',
);

export function farmXml(hosts?: Record<string, number>): string {
  const cluster = hosts
    ? `<cluster>${Object.entries(hosts)
        .map(([n, p]) => `<host name="${n}" power="${p}"/>`)
        .join('')}</cluster>`
    : '';
  return `<safe><service mode="farm">
  <farm pulse="${FARM_PULSE_MS}ms" mlost_count="${MLOST}" slost_count="${SLOST}"><lan name="lanf"/></farm>
  <vip><interface_list><interface><virtual_interface type="vmac_invisible">
    <virtual_addr addr="10.9.0.50" where="alias"/>
  </virtual_interface></interface></interface_list>
  <loadbalancing_list><group name="FarmProto">${cluster}<rule port="80" proto="tcp" filter="on_port"/></group></loadbalancing_list>
  </vip>
</service></safe>`;
}

export class FarmNode {
  readonly views: FarmViewMessage[] = [];
  /** The module log lines heartbeat wrote here. */
  readonly logs: string[] = [];
  service!: HeartbeatService;
  private app: INestMicroservice | undefined;
  private bus: InMemoryBus | undefined;
  private readonly network = new InMemoryBusNetwork();
  private readonly admin: InMemoryBus;
  private readonly incarnations: CountingIncarnationSource;

  constructor(
    readonly name: FarmNodeName,
    private readonly farm: FarmNodes,
  ) {
    this.admin = this.network.connect({ source: { service: 'admin', node: name } });
    this.incarnations = new CountingIncarnationSource(NODES.indexOf(name) * 100);
  }

  async start(): Promise<void> {
    await this.admin.subscribe(subjects.farmView(FARM), codecs.farmView, (m) => {
      this.views.push(m.payload);
    });
    await this.admin.subscribe(subjects.log(FARM), codecs.logLine, (m) => {
      this.logs.push(m.payload.message);
    });
    const { plan, notes } = buildPlan({
      node: this.name,
      cluster: CLUSTER,
      modules: [
        { name: FARM, id: 1, config: parseModuleConfig(this.farm.xmlOf(this.name), 'userconfig.xml').config },
      ],
    });
    if (notes.some((n) => n.level === 'error')) throw new Error(JSON.stringify(notes));
    this.bus = this.network.connect({ source: { service: 'heartbeat', node: this.name } });
    this.app = await startOnBus(
      HeartbeatModule.forRoot({
        settings: {
          paths: heartbeatPaths({}),
          natsUrl: 'nats://127.0.0.1:1',
          cluster: CLUSTER,
          node: this.name,
          clusterKey: CLUSTER_KEY,
          plan,
          notes: [],
        },
        bus: this.bus,
        transport: this.farm.udp.transport(),
        clock: this.farm.clock,
        incarnations: this.incarnations,
        logger: createLogger({
          service: 'heartbeat',
          node: this.name,
          sink: createCapturingSink(),
          level: 'debug',
        }),
        metrics: new Registry(),
      }),
      { logger: false },
    );
    this.service = this.app.get(HeartbeatService);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
    await this.bus?.close();
  }

  /** What admin says of the module's state here. */
  setState(state: 'UP' | 'WAIT' | 'STOP', readiness: 'Ready' | 'Transient' | 'NotReady'): void {
    this.admin.publish(subjects.state(FARM), codecs.stateChange, {
      module: FARM,
      state,
      readiness,
      since: '2026-01-01T00:00:00.000Z',
    });
  }

  /** What admin says of the module's `farm.traffic` (keel farm open|close). */
  setTraffic(value: 'open' | 'closed'): void {
    this.admin.publish(subjects.resourceChanged(FARM), codecs.resourceChanged, {
      module: FARM,
      name: 'farm.traffic',
      value,
      component: 'admin',
    });
  }

  /** The last view heartbeat published here. */
  view(): FarmViewMessage {
    const v = this.views.at(-1);
    if (!v) throw new Error(`${this.name}: no farm view published yet`);
    return v;
  }

  /** Buckets of `node` in the first group of the last view published here. */
  share(node: FarmNodeName = this.name): number {
    return this.view().groups[0].owners.filter((o) => o === node).length;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.admin.close();
  }
}

export class FarmNodes {
  readonly clock = new FakeClock();
  readonly udp = new InMemoryUdpNetwork();
  readonly nodes: Record<FarmNodeName, FarmNode>;

  private constructor(
    private readonly xml: string,
    private readonly own: Partial<Record<FarmNodeName, string>>,
  ) {
    this.nodes = Object.fromEntries(NODES.map((n) => [n, new FarmNode(n, this)])) as Record<
      FarmNodeName,
      FarmNode
    >;
  }

  /** Three services started, and running for longer than their quiet start (mlost_count pulses). */
  static async start(xml = farmXml(), own: Partial<Record<FarmNodeName, string>> = {}): Promise<FarmNodes> {
    const f = new FarmNodes(xml, own);
    for (const n of Object.values(f.nodes)) await n.start();
    await settle();
    await f.clock.advance(MLOST * FARM_PULSE_MS);
    return f;
  }

  /** The module's userconfig.xml on `node` (a node may have its own, as after a partial change). */
  xmlOf(node: FarmNodeName): string {
    return this.own[node] ?? this.xml;
  }

  /** Every node UP (Ready), and a few pulses for the views to settle. */
  async allUp(): Promise<void> {
    for (const n of Object.values(this.nodes)) n.setState('UP', 'Ready');
    await this.clock.advance(3 * FARM_PULSE_MS);
  }

  async close(): Promise<void> {
    for (const n of Object.values(this.nodes)) await n.close();
  }
}
