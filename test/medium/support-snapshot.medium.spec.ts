// keel snapshot on a real node (nats-server, the admin service, real scripts and files): after a
// start, the zip holds a new dump (the state admin gives, the module log, the commands log, the
// script logs, cluster.xml, the checks, the system) and the module's configuration; never the
// cluster key; written 0600. A relative path or an existing directory is refused, nothing written.
import { INestApplicationContext, Module } from '@nestjs/common';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZip, type ZipEntry } from '@keel/config';
import { createCapturingSink, startNatsServer, NatsServerHandle } from '@keel/testing';
import { createLogger, createMetrics, RuntimeModule, startOnBus } from '@keel/runtime';
import { runCli } from '../../apps/cli/src/cli';
import { AdminModule } from '../../apps/admin/src/admin.module';
import { NodeFixture } from './node-fixture';

jest.setTimeout(60_000);
const USERCONFIG = `<safe><service mode="mirror">
  <heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <user/>
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
  node = new NodeFixture('demo', USERCONFIG, { start_prim: 'echo "start_prim of the snapshot test"' });
  writeFileSync(join(node.var, 'cluster', 'cluster.key'), 'k'.repeat(64), { mode: 0o600 });
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

test('snapshot -m demo <absolute>.zip: the dump and the configuration; relative paths refused', async () => {
  expect((await cli('start', '-m', 'demo')).code).toBe(0);
  expect((await cli('waitstate', '-m', 'demo', 'ALONE', '-t', '20')).code).toBe(0);

  const out = join(node.root, 'out');
  mkdirSync(out);
  const refused = await cli('snapshot', '-m', 'demo', 'snap.zip');
  expect(refused).toMatchObject({ code: 2, err: expect.stringContaining('"snap.zip" is a relative path') });
  const intoDir = await cli('snapshot', '-m', 'demo', out);
  expect(intoDir).toMatchObject({ code: 2, err: expect.stringContaining('is an existing directory') });
  expect(readdirSync(out)).toEqual([]);

  const zip = join(out, 'snapshot_node1_demo.zip');
  const made = await cli('snapshot', '-m', 'demo', zip);
  expect(made.err).toBe('');
  expect(made.code).toBe(0);
  expect(statSync(zip).mode & 0o777).toBe(0o600);
  expect(readdirSync(out)).toEqual(['snapshot_node1_demo.zip']); // no temporary file left

  const entries = readZip(readFileSync(zip));
  const names = entries.map((e) => e.name);
  const top = 'snapshot_node1_demo/demo/';
  const dump = names
    .find((n) => n.startsWith(top + 'dump_'))!
    .slice(top.length)
    .split('/')[0]!;
  expect(dump).toMatch(/^dump_\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d$/);
  // The dump on the node is the one in the zip.
  expect(readdirSync(join(node.var, 'snapshot', 'modules', 'demo'))).toEqual([dump]);
  const text = (rel: string) => {
    const e: ZipEntry | undefined = entries.find((x) => x.name === `${top}${rel}`);
    if (!e) throw new Error(`${rel} not in the snapshot: ${names.join(', ')}`);
    return e.data.toString('utf8');
  };

  expect(text(`${dump}/state.txt`)).toMatch(/^demo: ALONE \(Ready\)/);
  // The log as it was at the dump: what admin wrote since follows it.
  const verbose = text(`${dump}/logverbose.txt`);
  expect(verbose).toMatch(/ V /);
  expect(node.moduleLog().startsWith(verbose)).toBe(true);
  expect(text(`${dump}/log.txt`)).toBe(
    verbose
      .split('\n')
      .filter((l) => l !== '' && !/^\S+ \S+ V /.test(l))
      .join('\n') + '\n',
  );
  expect(text(`${dump}/log.txt`)).toMatch(/ I .*ALONE/);
  expect(text(`${dump}/commandlog.txt`)).toMatch(/start -m demo/);
  const userlog = names.find((n) => /\/userlog\/userlog_.*_start_prim\.ulog$/.test(n));
  expect(userlog).toBeDefined();
  expect(entries.find((e) => e.name === userlog)!.data.toString()).toContain(
    'start_prim of the snapshot test',
  );
  expect(text(`${dump}/var/cluster/cluster.xml`)).toBe(
    readFileSync(join(node.var, 'cluster', 'cluster.xml'), 'utf8'),
  );
  expect(text(`${dump}/healthcheck.txt`)).toMatch(/^healthcheck: \d+ OK, \d+ WARN, \d+ FAIL$/m);
  expect(text(`${dump}/system.txt`)).toMatch(/^keel: /m);
  expect(text('config_current/module/conf/userconfig.xml')).toBe(USERCONFIG);
  expect(text('config_current/module/bin/start_prim')).toContain('start_prim of the snapshot test');
  expect(names.filter((n) => n.includes('cluster.key'))).toEqual([]);
  expect(existsSync(join(node.var, 'cluster', 'cluster.key'))).toBe(true);
});
