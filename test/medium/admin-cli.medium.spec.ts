import { INestApplicationContext, Module } from '@nestjs/common';
import { createCapturingSink, startNatsServer, NatsServerHandle } from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { runCli } from '../../apps/cli/src/cli';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { NodeFixture } from './node-fixture';

// The admin service and the keel CLI against a real nats-server, real script processes and real
// files: a mirror module whose peer never answers goes ALONE after the heartbeat timeout.
const USERCONFIG = `<safe><service mode="mirror">
  <heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <user><var name="GREETING" value="hello"/></user>
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
  node = new NodeFixture('demo', USERCONFIG, {
    start_prim: 'echo "GREETING=$GREETING module=$SAFEMODULE" >> "$SAFEUSERVAR/scripts.log"',
  });
  // The node's bus files in its KEEL_ETC: admin and the CLI use their own credential.
  nats = await startNatsServer({ etc: node.etc });
  const logger = createLogger({ service: 'admin', node: 'node1', sink: createCapturingSink() });
  @Module({
    imports: [
      RuntimeModule.forRoot({ logger, metrics: createMetrics({ service: 'admin', node: 'node1' }) }),
      AdminModule.forNode(node.env(nats.url)),
    ],
  })
  class TestRoot {}
  admin = await startOnBus(TestRoot, { logger: false });
});

afterAll(async () => {
  await admin?.close();
  await nats?.stop();
  node?.remove();
});

test('start, state, log, resources, printi and stop through the CLI', async () => {
  expect((await cli('state', '-m', 'demo', '-lq')).code).toBe(0);

  const started = await cli('start', '-m', 'demo');
  expect(started).toMatchObject({ code: 0 });
  const waited = await cli('waitstate', '-m', 'demo', 'ALONE', '-t', '20');
  expect(waited).toMatchObject({ code: 0, out: 'demo: ALONE (Ready)' });
  expect(await cli('state', '-m', 'demo', '-lq')).toMatchObject({ code: 2, out: 'ALONE' });

  expect(node.scriptLog()).toEqual([
    'transition STOP WAIT start',
    'prestart STOP WAIT start',
    'transition WAIT ALONE start',
    'start_both WAIT ALONE start',
    'start_prim WAIT ALONE start',
    'GREETING=hello module=demo',
    'start_sec WAIT ALONE start',
  ]);

  expect((await cli('set', '-r', 'custom.probe', '-v', 'up', '-i', 'probe', '-m', 'demo')).code).toBe(0);
  expect(await cli('get', '-r', 'custom.probe', '-m', 'demo')).toMatchObject({ code: 0, out: 'up' });
  expect((await cli('printi', '-m', 'demo', 'written', 'by', 'a', 'test')).code).toBe(0);

  const log = await cli('log', '-m', 'demo');
  // The caller comes from the CLI's bus credential (root's), whoever runs the test.
  expect(log.out).toContain(' I Action start called by root\n');
  expect(log.out).toMatch(/ I Local state ALONE Ready/);
  expect(log.out).toMatch(/ I Resource custom.probe set to up by probe/);
  expect(log.out).not.toMatch(/written by a test/);
  expect((await cli('logview', '-m', 'demo')).out).toMatch(/ V written by a test/);
  expect(log.out).not.toMatch(/ V Script start_prim/);
  expect((await cli('log', '-m', 'demo', '-v')).out).toMatch(/ V Script start_prim/);

  expect(await cli('start', '-m', 'demo')).toMatchObject({
    code: 1,
    err: 'keel start: the module is already started: ALONE (Ready)',
  });

  expect((await cli('stop', '-m', 'demo')).code).toBe(0);
  expect(await cli('waitstop', '-m', 'demo', '-t', '20')).toMatchObject({
    code: 0,
    out: 'demo: STOP (NotReady)',
  });
  expect(node.scriptLog().slice(-3)).toEqual([
    'stop_both force WAIT STOP stop',
    'poststop WAIT STOP stop',
    'transition WAIT STOP stop',
  ]);
}, 60_000);

test('an unknown module and a bad command line say what is allowed', async () => {
  expect(await cli('start', '-m', 'nosuch')).toMatchObject({
    code: 1,
    err: 'keel start: unknown module nosuch (installed: demo)',
  });
  expect(await cli('start', '-m', 'demo', '--now')).toMatchObject({ code: 2 });
  expect((await cli('failover', 'maybe', '-m', 'demo')).err).toMatch(
    /usage: keel failover on\|off -m <module>/,
  );
});
