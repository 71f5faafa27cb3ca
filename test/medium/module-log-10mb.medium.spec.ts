import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import { createCapturingSink, startNatsServer, NatsServerHandle } from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { runCli } from '../../apps/cli/src/cli';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { FileModuleLog } from '../../apps/admin/src/adapters/module-log';
import { moduleLogSettings } from '../../apps/admin/src/log/log-settings';
import { NodeFixture } from './node-fixture';

// A module log of 10 MB, rotated at 4 MB into three files, read with `keel log` and
// `keel logview` through the admin service on a real nats-server: every reply of the bus holds
// at most 64 KiB, and the CLI gets the last entries, or all of them, page by page.
const USERCONFIG = `<safe><service mode="mirror">
  <heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <user/>
</service></safe>`;

let nats: NatsServerHandle;
let node: NodeFixture;
let admin: INestApplicationContext;
const env = () => ({ ...node.env(nats.url), KEEL_MODULE_LOG_SIZE: '4096', KEEL_MODULE_LOG_FILES: '4' });
const moduleDir = () => join(node.var, 'modules', 'demo');

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: env() };
  return runCli(argv, io).then((code) => ({ code, lines: out.join('\n').split('\n'), err: err.join('\n') }));
}

/** Every line of the log's files, oldest first: module.log.<n> by number, then module.log. */
function fileLines(): string[] {
  const names = readdirSync(moduleDir()).filter((n) => /^module\.log(\.\d+)?$/.test(n));
  const seq = (n: string) => (n === 'module.log' ? Infinity : Number(n.split('.').at(-1)));
  return names
    .sort((a, b) => seq(a) - seq(b))
    .flatMap((n) => readFileSync(join(moduleDir(), n), 'utf8').split('\n').slice(0, -1));
}

beforeAll(async () => {
  node = new NodeFixture('demo', USERCONFIG);
  nats = await startNatsServer({ etc: node.etc });
  // 10 MB written as admin writes them, with the node's settings: I, E and V entries.
  const log = new FileModuleLog(join(moduleDir(), 'module.log'), moduleLogSettings(env()));
  const padding = 'p'.repeat(60);
  for (let n = 0, bytes = 0; bytes < 10 * 1024 * 1024; n += 1) {
    const level = n % 4 === 0 ? 'E' : n % 2 === 0 ? 'I' : 'V';
    const text = `entry ${n} ${padding}`;
    log.write({ at: new Date(Date.UTC(2026, 0, 1) + n * 10), level, text });
    bytes += 24 + 2 + text.length + 1;
  }
  const logger = createLogger({ service: 'admin', node: 'node1', sink: createCapturingSink() });
  @Module({
    imports: [
      RuntimeModule.forRoot({ logger, metrics: createMetrics({ service: 'admin', node: 'node1' }) }),
      AdminModule.forNode(env()),
    ],
  })
  class TestRoot {}
  admin = await startOnBus(TestRoot, { logger: false });
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await nats?.stop();
  node?.remove();
});

test('keel log and logview read a 10 MB module log: the last entries, or all of them', async () => {
  const files = readdirSync(moduleDir())
    .filter((n) => n.startsWith('module.log'))
    .sort();
  expect(files).toEqual(['module.log', 'module.log.1', 'module.log.2']);
  const total = files.reduce((s, n) => s + statSync(join(moduleDir(), n)).size, 0);
  expect(total).toBeGreaterThanOrEqual(10 * 1024 * 1024);

  const normal = await cli('log', '-m', 'demo');
  const all = fileLines();
  expect(normal).toMatchObject({ code: 0, err: '' });
  expect(normal.lines).toEqual(all.filter((l) => !/^\S+ \S+ V /.test(l)).slice(-300));

  expect((await cli('logview', '-m', 'demo', '-s', '7')).lines).toEqual(all.slice(-7));

  // The whole log, in as many bounded replies as it takes, across the three files.
  const whole = await cli('log', '-m', 'demo', '-A', '-s', String(all.length + 1000));
  expect(whole.code).toBe(0);
  expect(whole.lines).toEqual(fileLines());
}, 120_000);
