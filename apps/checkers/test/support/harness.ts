// The checkers service (its Nest module, on the bus transport) with probe and custom-process
// twins, the in-memory bus and a fake clock; `admin` plays admin: it publishes the module's
// resources and states and records what the service sets, logs and asks.
import {
  codecs,
  HandlerError,
  rpcs,
  subjects,
  type BusPort,
  type LogLine,
  type ModuleCommand,
  type ResourceSet,
} from '@keel/bus';
import type { INestMicroservice } from '@nestjs/common';
import { nodePaths, parseClusterConfig, parseModuleConfig } from '@keel/config';
import { createLogger, createMetrics, startOnBus } from '@keel/runtime';
import { createCapturingSink, FakeClock, InMemoryBusNetwork } from '@keel/testing';
import { buildCheckersPlan } from '../../src/core/plan';
import { CheckersModule } from '../../src/checkers.module';
import { CustomTwin, ProbeTwin } from './twins';
import { HandlerTwin, ProcessTableTwin, UnitsTwin } from './errd-twins';

const open: INestMicroservice[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

export const CLUSTER = parseClusterConfig(
  `<cluster><lans><lan name="default"><node name="node1" addr="198.18.0.1"/><node name="node2" addr="198.18.0.2"/></lan></lans></cluster>`,
  'cluster.xml',
);

/** A mirror module `app` whose <service> holds `inside` (checkers, errd…). */
export const mirrorModule = (inside: string) =>
  parseModuleConfig(
    `<safe><service mode="mirror"><heart><heartbeat name="default"/></heart>${inside}</service></safe>`,
    'userconfig.xml',
  ).config;

/** `others`: more modules of the node (name -> what their <service> holds); admin serves app's commands only. */
export async function build(inside: string, others: Readonly<Record<string, string>> = {}) {
  const config = mirrorModule(inside);
  const plan = buildCheckersPlan({
    node: 'node1',
    cluster: CLUSTER,
    modules: [
      { name: 'app', id: 1, config },
      ...Object.entries(others).map(([name, x], i) => ({ name, id: i + 2, config: mirrorModule(x) })),
    ],
    bin: () => '/opt/app/bin',
    localAddrs: ['198.18.0.1'],
  });
  const network = new InMemoryBusNetwork();
  const bus = network.connect({ source: { service: 'checkers', node: 'node1' } });
  const admin = network.connect({ source: { service: 'admin', node: 'node1' } });
  const probes = new ProbeTwin();
  const customs = new CustomTwin();
  const processes = new ProcessTableTwin();
  const units = new UnitsTwin();
  const handlers = new HandlerTwin();
  /** Commands admin refuses, with why. */
  const refusing = new Map<string, string>();
  const sets: string[] = [];
  const logs: string[] = [];
  const commands: string[] = [];
  await admin.subscribe(
    subjects.anyModule('resourceSet'),
    codecs.resourceSet,
    (m: { payload: ResourceSet }) => {
      sets.push(
        `${m.payload.name}=${m.payload.value} by ${m.payload.component}${m.payload.isolation ? ` #${m.payload.isolation}` : ''}`,
      );
    },
  );
  await admin.subscribe(subjects.anyModule('log'), codecs.logLine, (m: { payload: LogLine }) => {
    logs.push(`${m.payload.level} ${m.payload.message}`);
  });
  await admin.serve(subjects.cmd('app', 'checkers'), rpcs.moduleCommand, (m: { payload: ModuleCommand }) => {
    commands.push([m.payload.name, ...m.payload.args, '-i', m.payload.identity ?? ''].join(' '));
    const why = refusing.get(m.payload.name);
    if (why) throw new HandlerError('REFUSED', why);
    return {};
  });
  const clock = new FakeClock();
  const metrics = createMetrics({ service: 'checkers', node: 'node1' });
  const module = CheckersModule.forRoot({
    settings: {
      paths: nodePaths({}),
      natsUrl: 'nats://127.0.0.1:1',
      cluster: CLUSTER,
      node: 'node1',
      plan,
      notes: [],
      env: {},
    },
    bus: bus as BusPort,
    probes,
    customs,
    processes,
    units,
    handlers,
    clock,
    logger: createLogger({ service: 'checkers', node: 'node1', sink: createCapturingSink() }),
    metrics,
  });
  const app = await startOnBus(module, { logger: false });
  open.push(app);
  /** Admin publishes a resource of module app (or another), as it does on every change. */
  const resource = async (name: string, value: string, module = 'app') => {
    admin.publish(subjects.resourceChanged(module), codecs.resourceChanged, {
      module,
      name,
      value,
      component: 'admin',
    });
    await clock.advance(0);
  };
  const state = async (module: string, state: string, readiness: string) => {
    admin.publish(subjects.state(module), codecs.stateChange, {
      module,
      state: state as never,
      readiness: readiness as never,
      since: new Date(clock.now()).toISOString(),
    });
    await clock.advance(0);
  };
  return {
    sut: app,
    metrics,
    plan,
    probes,
    customs,
    processes,
    units,
    handlers,
    refusing,
    clock,
    sets,
    logs,
    commands,
    resource,
    state,
  };
}
