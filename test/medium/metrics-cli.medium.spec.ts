import { INestApplicationContext, Module } from '@nestjs/common';
import { createCapturingSink, startNatsServer, NatsServerHandle } from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { runCli } from '../../apps/cli/src/cli';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { NodeFixture } from './node-fixture';

// `keel metrics` against a real nats-server run with keel's bus permissions and the admin service
// on it (its registry with the process metrics, as bootstrapService gives every service): the CLI
// asks on keel.v1.node.metrics.<service> with its own credential and prints the text exposition.
const USERCONFIG = `<safe><service mode="mirror">
  <heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
</service></safe>`;

let nats: NatsServerHandle;
let node: NodeFixture;
let admin: INestApplicationContext;

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: node.env(nats.url) };
  return runCli(argv, io).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

beforeAll(async () => {
  node = new NodeFixture('demo', USERCONFIG, {});
  nats = await startNatsServer({ etc: node.etc });
  const logger = createLogger({ service: 'admin', node: 'node1', sink: createCapturingSink() });
  const metrics = createMetrics({ service: 'admin', node: 'node1', processMetrics: true });
  @Module({
    imports: [RuntimeModule.forRoot({ logger, metrics }), AdminModule.forNode(node.env(nats.url))],
  })
  class TestRoot {}
  admin = await startOnBus(TestRoot, { logger: false });
});

afterAll(async () => {
  await admin?.close();
  await nats?.stop();
  node?.remove();
});

test('keel metrics prints the registry of every service that answers, and says which do not', async () => {
  const all = await cli('metrics');
  expect(all.code).toBe(0);
  expect(all.out).toMatch(/^# HELP process_cpu_user_seconds_total /m);
  expect(all.out).toMatch(/^process_cpu_user_seconds_total\{service="admin",node="node1"\} [\d.e+-]+$/m);
  for (const service of ['heartbeat', 'rfs', 'vip', 'checkers', 'api'])
    expect(all.err).toContain(`keel metrics: ${service}: not running on this node`);
  expect(all.err).not.toContain('admin');
});

test('keel metrics <service> asks that service only; one that does not run exits 3', async () => {
  const one = await cli('metrics', 'admin');
  expect(one.code).toBe(0);
  expect(one.out).toMatch(/^process_resident_memory_bytes\{service="admin",node="node1"\} \d+$/m);
  expect(one.err).toBe('');
  expect(await cli('metrics', 'rfs')).toMatchObject({
    code: 3,
    out: '',
    err: 'keel metrics: rfs: not running on this node',
  });
});

test('keel metrics refuses a name that is no keel service, before asking anyone', async () => {
  const bad = await cli('metrics', 'nats');
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('usage: keel metrics [admin|heartbeat|rfs|vip|checkers|api]');
});
