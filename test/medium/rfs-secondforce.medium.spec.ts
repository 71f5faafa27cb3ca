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

// `keel secondforce -d <date>` end to end on one node (guide §5.7.5): a real nats-server, the admin
// and rfs services, the keel CLI and the fake keel-rfsd of test/fixtures; the peer's heartbeat
// view (a Ready primary) is published by the test. A bad date is refused by admin naming -d and
// the formats, and nothing starts; a good one starts the module as secondary and the daemon gets
// `--since` with the date in seconds, instead of `--full`.
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
    peers: [{ node: 'node2', lans: [], state: 'PRIM', readiness: 'Ready', resources: {} }],
  });
}

test('a bad date is refused naming -d and the formats; nothing starts', async () => {
  const r = await cli('secondforce', '-d', '2026-13-01', '-m', 'demo');
  expect(r.code).not.toBe(0);
  expect(r.err).toContain(
    `keel secondforce: secondforce -d '2026-13-01' does not exist: give a date as YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z]`,
  );
  expect((await cli('secondforce', '-m', 'demo')).err).toContain('secondforce needs -d <date>');
  expect((await cli('state', '-m', 'demo')).out).toContain('demo: STOP');
  expect(daemonCalls()).toEqual([]);
}, 60_000);

test('secondforce -d starts the module as secondary and the daemon copies the files modified since', async () => {
  peerIsPrimary();
  expect(await cli('secondforce', '-d', '2026-01-02T03:04:05Z', '-m', 'demo')).toMatchObject({ code: 0 });
  expect(await cli('waitstate', '-m', 'demo', 'SECOND', '-t', '20')).toMatchObject({ code: 0 });
  const [call] = daemonCalls();
  expect(call).toEqual(expect.arrayContaining(['--role', 'secondary']));
  expect(call?.[call.indexOf('--since') + 1]).toBe(String(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000));
  expect(call).not.toContain('--full');
  expect((await cli('log', '-m', 'demo')).out).toMatch(/ I Action secondforce called by /);
  const verbose = (await cli('log', '-m', 'demo', '-v')).out;
  expect(verbose).toContain(
    'V Replication secondary (files modified since 2026-01-02T03:04:05.000Z) requested',
  );

  expect((await cli('stop', '-m', 'demo')).code).toBe(0);
  expect((await cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);
}, 60_000);
