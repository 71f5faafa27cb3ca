import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import { codecs, NatsBus, subjects, type BusPort } from '@keel/bus';
import { createCapturingSink, HARNESS_USER, startNatsServer, type NatsServerHandle } from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { runCli } from '../../apps/cli/src/cli';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { RfsModule } from '../../apps/rfs/src/rfs.module';
import { resolveRfsSettings } from '../../apps/rfs/src/settings';
import { NodeFixture } from './node-fixture';

// `keel rfssync` end to end on one node (guide §5.7.5, §9.10): a real nats-server, the admin and
// rfs services, the keel CLI and the fake keel-rfsd; the peer's heartbeat view (a Ready primary)
// is published by the test. `rfssync full` is shown by `rfssync` and `get`, the daemon of the next
// secondary start gets --full, and once it synchronised the policy is default again; `external`
// is refused naming keel's ways.
const FAKE_RFSD = join(__dirname, '../fixtures/rfs/fake-keel-rfsd');
const FENCE = join(__dirname, '../fixtures/fence/keel-fence-on-shared-mounts');
const USERCONFIG = `<safe><service mode="mirror">
  <heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <rfs><replicated dir="/srv/demo/data"/></rfs>
  <user/>
</service></safe>`;

let nats: NatsServerHandle;
let node: NodeFixture;
let apps: INestApplicationContext[] = [];
let observer: BusPort;

function env(): Record<string, string> {
  return { ...node.env(nats.url), KEEL_RFSD: FAKE_RFSD, KEEL_FENCE: FENCE };
}

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: env() };
  return runCli(argv, io).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

async function context(
  service: string,
  root: ReturnType<typeof RfsModule.forRoot> | ReturnType<typeof AdminModule.forNode>,
) {
  const logger = createLogger({ service, node: 'node1', sink: createCapturingSink() });
  @Module({
    imports: [RuntimeModule.forRoot({ logger, metrics: createMetrics({ service, node: 'node1' }) }), root],
  })
  class TestRoot {}
  const app = await startOnBus(TestRoot, { logger: false });
  apps.push(app);
  return app;
}

const stateDir = () => join(node.var, 'modules', 'demo', 'rfs');
const daemonCalls = () =>
  existsSync(join(stateDir(), 'calls.log'))
    ? readFileSync(join(stateDir(), 'calls.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[])
    : [];

beforeAll(async () => {
  node = new NodeFixture('demo', USERCONFIG, {});
  // The node's bus files in its KEEL_ETC: each service and the CLI use their own credential.
  nats = await startNatsServer({ etc: node.etc });
  const key = join(node.var, 'cluster', 'cluster.key');
  writeFileSync(key, 'cd'.repeat(32));
  chmodSync(key, 0o600);
  observer = await NatsBus.connect({
    url: nats.url,
    source: { service: 'test', node: 'node1' },
    credential: nats.credential(HARNESS_USER),
  });
  const settings = resolveRfsSettings(env(), { hostname: 'test', localAddresses: [] });
  await context('rfs', RfsModule.forRoot({ settings, service: { stopTimeoutMs: 2_000 } }));
  await context('admin', AdminModule.forNode(env()));
}, 30_000);

afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
  apps = [];
  await observer?.close();
  await nats?.stop();
  node?.remove();
});

/** What heartbeat would say of a Ready primary peer. */
function peerIsPrimary(): void {
  observer.publish(subjects.heartbeatView('demo'), codecs.heartbeatView, {
    module: 'demo',
    peers: [
      { node: 'node2', lans: [], state: 'PRIM', readiness: 'Ready', resources: { 'rfs.uptodate': 'up' } },
    ],
  });
}

test('rfssync full: shown, applied to the next synchronisation as secondary, then default again', async () => {
  expect((await cli('rfssync', '-m', 'demo')).out).toBe(
    'rfssync default: the next synchronisation copies what changed',
  );
  const external = await cli('rfssync', 'external', 'prim', 'backup1', '-m', 'demo');
  expect(external.code).not.toBe(0);
  expect(external.err).toContain('rfssync external is not supported by keel');

  expect(await cli('rfssync', 'full', '-m', 'demo')).toMatchObject({
    code: 0,
    out: 'rfssync full: the next synchronisation of this node as secondary copies every file',
  });
  expect((await cli('get', '-m', 'demo', '-r', 'usersetting.rfssyncmode')).out).toBe('full');

  peerIsPrimary();
  expect((await cli('second', '-m', 'demo')).code).toBe(0);
  expect(await cli('waitstate', '-m', 'demo', 'SECOND', '-t', '20')).toMatchObject({ code: 0 });
  expect(daemonCalls()[0]).toContain('--full');
  // The fake daemon synchronised: the policy went back to default.
  expect((await cli('get', '-m', 'demo', '-r', 'usersetting.rfssyncmode')).out).toBe('default');

  expect((await cli('stop', '-m', 'demo')).code).toBe(0);
  expect((await cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);
}, 60_000);
