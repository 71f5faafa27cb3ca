// Two heartbeat services (node1, node2) over the in-memory UDP network, each its Nest module on
// the bus transport with its own in-memory bus (the bus never spans nodes) and an "admin" probe
// on that bus that plays the module engine: it publishes the local state and records what
// heartbeat tells it.
import {
  codecs,
  subjects,
  type BusPort,
  type HeartbeatView,
  type LogLine,
  type ModuleState,
  type Readiness,
  type ResourceSet,
} from '@keel/bus';
import type { INestMicroservice } from '@nestjs/common';
import { createLogger, startOnBus, type Logger } from '@keel/runtime';
import { createCapturingSink, InMemoryBusNetwork, type CapturingSink, type InMemoryBus } from '@keel/testing';
import { Registry } from 'prom-client';
import { FakeClock, settle } from '@keel/testing';
import { InMemoryUdpNetwork } from '../../src/adapters/in-memory-udp';
import { CountingIncarnationSource } from '../../src/adapters/incarnation-file';
import type { HeartbeatPlan } from '../../src/core/plan';
import type { ProcessWatch } from '../../src/ports/process-watch.port';
import { HeartbeatModule } from '../../src/heartbeat.module';
import { HeartbeatService, type HeartbeatServiceOptions } from '../../src/service/heartbeat.service';
import { heartbeatPaths } from '../../src/settings';
import { CLUSTER_KEY, cluster, FIRST_INCARNATION, planFor } from './fixtures';

export const MODULE = 'web';

export class AdminProbe {
  readonly resourceSets: ResourceSet[] = [];
  readonly views: HeartbeatView[] = [];
  readonly logs: LogLine[] = [];

  private constructor(
    readonly bus: BusPort,
    readonly module: string,
  ) {}

  static on(network: InMemoryBusNetwork, node: string, module = MODULE): Promise<AdminProbe> {
    return AdminProbe.attach(network.connect({ source: { service: 'admin', node } }), module);
  }

  /** On a bus of its own, already connected (a real NATS one in the medium tests). */
  static async attach(bus: BusPort, module = MODULE): Promise<AdminProbe> {
    const probe = new AdminProbe(bus, module);
    await bus.subscribe(subjects.resourceSet(module), codecs.resourceSet, (m) => {
      probe.resourceSets.push(m.payload);
    });
    await bus.subscribe(subjects.heartbeatView(module), codecs.heartbeatView, (m) => {
      probe.views.push(m.payload);
    });
    await bus.subscribe(subjects.log(module), codecs.logLine, (m) => {
      probe.logs.push(m.payload);
    });
    return probe;
  }

  setState(state: ModuleState, readiness: Readiness, advertised?: Record<string, string>): void {
    this.bus.publish(subjects.state(this.module), codecs.stateChange, {
      module: this.module,
      state,
      readiness,
      since: '2026-01-01T00:00:00.000Z',
      ...(advertised ? { advertised } : {}),
    });
  }

  changeResource(name: string, value: string): void {
    this.bus.publish(subjects.resourceChanged(this.module), codecs.resourceChanged, {
      module: this.module,
      name,
      value,
      component: 'checkers',
    });
  }

  /** The last value heartbeat set for heartbeat.<ident>, or undefined if it never did. */
  heartbeat(ident: string): string | undefined {
    return this.resourceSets.filter((r) => r.name === `heartbeat.${ident}`).at(-1)?.value;
  }

  /** The only peer of the last view published. */
  peer(): HeartbeatView['peers'][number] {
    const view = this.views.at(-1);
    if (!view) throw new Error('no heartbeat.view published yet');
    return view.peers[0];
  }

  /** Everything received so far, to compare before/after. */
  received(): number {
    return this.resourceSets.length + this.views.length;
  }
}

export interface TestNode {
  readonly name: string;
  readonly busNetwork: InMemoryBusNetwork;
  readonly admin: AdminProbe;
  readonly incarnations: CountingIncarnationSource;
  /** The running service; unset while it is not started. */
  service: HeartbeatService;
  app: INestMicroservice | undefined;
  bus: InMemoryBus;
  registry: Registry;
  sink: CapturingSink;
}

export interface TwoNodes {
  readonly clock: FakeClock;
  readonly udp: InMemoryUdpNetwork;
  readonly node1: TestNode;
  readonly node2: TestNode;
  /** Stops node's service and starts a new one (next incarnation) on the same node. */
  restart(node: TestNode): Promise<void>;
  stopAll(): Promise<void>;
}

export interface TwoNodesOptions {
  readonly service?: HeartbeatServiceOptions;
  readonly plans?: { node1: HeartbeatPlan; node2: HeartbeatPlan };
  /** Do not start node2's service (the test plays node2 itself). */
  readonly onlyNode1?: boolean;
  /** How node1's service sees processes (admin's); defaults to the real check. */
  readonly node1Processes?: ProcessWatch;
}

export async function startTwoNodes(options: TwoNodesOptions = {}): Promise<TwoNodes> {
  const clock = new FakeClock();
  const udp = new InMemoryUdpNetwork();
  const plans = options.plans ?? { node1: planFor('node1'), node2: planFor('node2') };
  const node1 = await makeNode('node1', FIRST_INCARNATION.node1);
  const node2 = await makeNode('node2', FIRST_INCARNATION.node2);

  async function makeNode(name: string, first: number): Promise<TestNode> {
    const busNetwork = new InMemoryBusNetwork();
    const admin = await AdminProbe.on(busNetwork, name);
    const node = {
      name,
      busNetwork,
      admin,
      incarnations: new CountingIncarnationSource(first - 1),
    } as TestNode;
    return node;
  }

  async function start(node: TestNode, plan: HeartbeatPlan): Promise<void> {
    node.bus = node.busNetwork.connect({ source: { service: 'heartbeat', node: node.name } });
    node.registry = new Registry();
    node.sink = createCapturingSink();
    const logger: Logger = createLogger({
      service: 'heartbeat',
      node: node.name,
      sink: node.sink,
      level: 'debug',
    });
    const module = HeartbeatModule.forRoot({
      settings: {
        paths: heartbeatPaths({}),
        natsUrl: 'nats://127.0.0.1:1',
        cluster: cluster(),
        node: node.name,
        clusterKey: CLUSTER_KEY,
        plan,
        notes: [],
      },
      bus: node.bus,
      transport: udp.transport(),
      clock,
      incarnations: node.incarnations,
      ...(node.name === 'node1' && options.node1Processes ? { processes: options.node1Processes } : {}),
      logger,
      metrics: node.registry,
      service: options.service,
    });
    node.app = await startOnBus(module, { logger: false });
    node.service = node.app.get(HeartbeatService);
  }

  async function stop(node: TestNode): Promise<void> {
    await node.app?.close();
    node.app = undefined;
    await node.bus?.close();
  }

  await start(node1, plans.node1);
  if (!options.onlyNode1) await start(node2, plans.node2);
  await settle();

  return {
    clock,
    udp,
    node1,
    node2,
    async restart(node) {
      await stop(node);
      await start(node, node === node1 ? plans.node1 : plans.node2);
      await settle();
    },
    async stopAll() {
      for (const n of [node1, node2]) {
        await stop(n);
        await n.admin.bus.close();
      }
    },
  };
}

/** The value of one series of a counter or gauge (0 when the series does not exist). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  const series = data.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return series?.value ?? 0;
}

/** Both nodes announce a steady mirror (node1 PRIM, node2 SECOND) and exchange a few pulses. */
export async function steadyMirror(t: TwoNodes): Promise<void> {
  t.node1.admin.setState('PRIM', 'Ready');
  t.node2.admin.setState('SECOND', 'Ready');
  await t.clock.advance(3 * 100);
}
