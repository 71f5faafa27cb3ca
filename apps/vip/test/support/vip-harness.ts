// The vip service (its Nest module, on the bus transport) with the address and farm twins, the
// in-memory bus and a fake clock; `admin` plays admin (vip.cmd, resources, log lines) and
// `heartbeat` publishes farm views.
import {
  codecs,
  rpcs,
  subjects,
  type BusPort,
  type FarmViewMessage,
  type LogLine,
  type ResourceSet,
  type VipOp,
} from '@keel/bus';
import type { INestMicroservice } from '@nestjs/common';
import { nodePaths, parseClusterConfig } from '@keel/config';
import { createLogger, createMetrics, startOnBus } from '@keel/runtime';
import { createCapturingSink, FakeClock, InMemoryBusNetwork } from '@keel/testing';
import type { VipPlan } from '../../src/core/plan';
import { VipModule } from '../../src/vip.module';
import { AddressTwin } from './address-twin';
import { FarmTwin } from './farm-twin';
import { vipPlan } from './plans';

const open: INestMicroservice[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

const CLUSTER = parseClusterConfig(
  `<cluster><lans><lan name="default"><node name="node1" addr="198.18.0.1"/><node name="node2" addr="198.18.0.2"/></lan></lans></cluster>`,
  'cluster.xml',
);

export async function build(plan: VipPlan = vipPlan(), twin = new AddressTwin()) {
  const network = new InMemoryBusNetwork();
  const bus = network.connect({ source: { service: 'vip', node: 'node1' } });
  const admin = network.connect({ source: { service: 'admin', node: 'node1' } });
  const heartbeat = network.connect({ source: { service: 'heartbeat', node: 'node1' } });
  const farm = new FarmTwin(twin);
  const resources: string[] = [];
  const logs: string[] = [];
  await admin.subscribe(
    subjects.anyModule('resourceSet'),
    codecs.resourceSet,
    (m: { payload: ResourceSet }) => {
      resources.push(`${m.payload.name}=${m.payload.value} by ${m.payload.component}`);
    },
  );
  await admin.subscribe(subjects.anyModule('log'), codecs.logLine, (m: { payload: LogLine }) => {
    logs.push(`${m.payload.level} ${m.payload.message}`);
  });
  const clock = new FakeClock();
  const metrics = createMetrics({ service: 'vip', node: 'node1' });
  const module = VipModule.forRoot({
    settings: {
      paths: nodePaths({}),
      natsUrl: 'nats://127.0.0.1:1',
      cluster: CLUSTER,
      node: 'node1',
      plan,
      notes: [],
    },
    bus: bus as BusPort,
    addresses: twin,
    links: twin,
    reset: twin,
    filter: farm,
    link: farm,
    clock,
    logger: createLogger({ service: 'vip', node: 'node1', sink: createCapturingSink() }),
    metrics,
  });
  const app = await startOnBus(module, { logger: false });
  open.push(app);
  const ask = (op: VipOp, module = 'web', subjectModule = module) =>
    admin.request(subjects.vipCmd(subjectModule), rpcs.vipCommand, { module, op }, { timeoutMs: 2_000 });
  const view = (v: FarmViewMessage) => heartbeat.publish(subjects.farmView(v.module), codecs.farmView, v);
  return { sut: app, twin, farm, clock, ask, admin, view, resources, logs, metrics };
}
