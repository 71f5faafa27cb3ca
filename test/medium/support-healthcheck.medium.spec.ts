// The real `keel healthcheck` process on this machine (compiled by `npm run build`), for a node
// whose cluster key is missing and whose module's heartbeat port another program holds: one line
// per check in the OK/WARN/FAIL format, those two reported with what to do, exit 1; once fixed
// (key present, port free) those lines are OK and the exit code is 1 exactly when a line fails.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { NodeFixture } from './node-fixture';

jest.setTimeout(60_000);
const root = join(__dirname, '../..');
const LINE = /^(OK {3}|WARN |FAIL )[^:]+: .+$/;
let node: NodeFixture;
let port: number;
let holder: ChildProcess | undefined;

const keel = () =>
  spawnSync(join(root, 'apps/cli/bin/keel'), ['healthcheck'], {
    encoding: 'utf8',
    env: { ...process.env, ...node.env('nats://127.0.0.1:1') },
  });

/** A free UDP port, found by binding to 0. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

beforeAll(async () => {
  port = await freeUdpPort();
  node = new NodeFixture(
    'demo',
    `<safe><service mode="mirror"><heart port="${port}"><heartbeat name="default"/></heart><user/></service></safe>`,
  );
  chmodSync(join(node.var, 'cluster', 'cluster.xml'), 0o600);
  holder = spawn(process.execPath, [
    '-e',
    `require('dgram').createSocket('udp4').bind(${port}, () => console.log('bound'))`,
  ]);
  await new Promise<void>((r) => holder!.stdout!.once('data', () => r()));
});

afterAll(() => {
  holder?.kill();
  node?.remove();
});

test('a missing key and a taken port are FAIL lines with what to do, exit 1; fixed, they are OK', async () => {
  const broken = keel();
  const lines = broken.stdout.trimEnd().split('\n');
  expect(broken.stderr).toBe('');
  for (const l of lines.slice(0, -1)) expect(l).toMatch(LINE);
  for (const l of lines.slice(0, -1).filter((x) => !x.startsWith('OK'))) expect(l).toContain(' -> ');
  expect(lines.at(-1)).toMatch(/^healthcheck: \d+ OK, \d+ WARN, [1-9]\d* FAIL$/);
  expect(lines).toContain(
    `FAIL cluster.key: ${join(node.var, 'cluster', 'cluster.key')} is missing -> keel cluster genkey on one node, then keel cluster config`,
  );
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^FAIL port udp/${port}: taken by .*node -e .* \\(pid ${holder!.pid}\\); module demo heartbeat needs it -> `,
      ),
    ),
  );
  expect(lines).toContain('OK   node name: this node is node1 in cluster.xml');
  expect(broken.status).toBe(1);

  writeFileSync(join(node.var, 'cluster', 'cluster.key'), 'k'.repeat(64), { mode: 0o600 });
  holder!.kill();
  await new Promise((r) => holder!.once('exit', r));
  const fixed = keel();
  const after = fixed.stdout.trimEnd().split('\n');
  expect(after).toContain(`OK   cluster.key: ${join(node.var, 'cluster', 'cluster.key')} (0600)`);
  expect(after).toContain(`OK   port udp/${port}: free (module demo heartbeat)`);
  expect(fixed.status).toBe(after.some((l) => l.startsWith('FAIL')) ? 1 : 0);
});
