import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import { codecs, NatsBus, subjects, type BusPort, type RfsEvent } from '@keel/bus';
import {
  createCapturingSink,
  createInbox,
  HARNESS_USER,
  startNatsServer,
  type NatsServerHandle,
} from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { runCli } from '../../apps/cli/src/cli';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { RfsModule } from '../../apps/rfs/src/rfs.module';
import { resolveRfsSettings } from '../../apps/rfs/src/settings';
import { NodeFixture } from './node-fixture';

// The replication control end to end on one node, with a real nats-server, the admin and rfs
// services, the keel CLI, real scripts and the fake keel-rfsd of test/fixtures (a real process
// speaking the daemon's contract): `prim` starts the primary's daemon and runs start_prim only
// once the directories are mounted; `stop` stops the daemon; a daemon that cannot mount stops
// the module.
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
const events = createInbox<RfsEvent>();

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
  node = new NodeFixture('demo', USERCONFIG, {
    start_prim: 'echo "start_prim saw the daemon mounted" >> "$SAFEUSERVAR/scripts.log"',
  });
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
  await observer.subscribe(subjects.anyModule('rfsEvent'), codecs.rfsEvent, (m) => events.push(m.payload));
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

test('prim: the daemon is started as primary and start_prim runs once it has mounted; stop stops it', async () => {
  expect((await cli('prim', '-m', 'demo')).code).toBe(0);
  expect(await cli('waitstate', '-m', 'demo', 'ALONE', '-t', '20')).toMatchObject({
    code: 0,
    out: 'demo: ALONE (Ready)',
  });

  expect(daemonCalls()).toEqual([
    [
      '--role',
      'primary',
      '--module',
      'demo',
      '--node',
      'node1',
      '--peer',
      'node2',
      '--dir',
      '/srv/demo/data',
      '--listen',
      '198.18.0.1:5600',
      '--peer-addr',
      '198.18.0.2',
      '--hold-ms',
      '9000',
      '--nbrei',
      '6',
      '--zone-bytes',
      '4096',
      '--key-file',
      join(node.var, 'cluster', 'cluster.key'),
      '--state-dir',
      stateDir(),
      '--async',
      'second',
      '--timeout-ms',
      '5000',
    ],
  ]);
  expect(await events.next()).toMatchObject({ module: 'demo', event: 'mounted', role: 'primary' });
  expect(node.scriptLog()).toContain('start_prim saw the daemon mounted');
  const verbose = (await cli('log', '-m', 'demo', '-v')).out;
  expect(verbose.indexOf('V Replication primary requested')).toBeLessThan(
    verbose.indexOf('V Replication primary: replicated directories mounted'),
  );
  expect(verbose.indexOf('V Replication primary: replicated')).toBeLessThan(
    verbose.indexOf('V Script start_prim'),
  );
  expect((await cli('log', '-m', 'demo')).out).toMatch(/ I Resource rfs.degraded set to down by rfs/);

  expect((await cli('stop', '-m', 'demo')).code).toBe(0);
  expect((await cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);
  expect(await events.next()).toMatchObject({ event: 'exited', role: 'primary', code: 0, requested: true });
}, 60_000);

test('a daemon that cannot mount: the module stops without running start_prim', async () => {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(join(stateDir(), 'behaviour.json'), JSON.stringify({ mount: 'fail' }));
  const started = node.scriptLog().length;

  expect(await cli('prim', '-m', 'demo')).toMatchObject({ code: 0, err: '' });
  expect(await events.next()).toMatchObject({
    event: 'error',
    message: 'cannot mount /srv/demo/data: fake failure',
  });
  expect(await events.next()).toMatchObject({ event: 'exited', code: 1, requested: false });
  expect((await cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);

  expect(
    node
      .scriptLog()
      .slice(started)
      .filter((l) => l.startsWith('start_')),
  ).toEqual([]);
  const log = (await cli('log', '-m', 'demo')).out;
  expect(log).toMatch(
    / E Replication primary failed: keel-rfsd exited \(code 1\) before mounting: cannot mount \/srv\/demo\/data: fake failure\n/,
  );
  expect(log).toMatch(/ I Action forcestop called by rfs\n/);
}, 60_000);
