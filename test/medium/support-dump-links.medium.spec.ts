// keel dump and snapshot as root on a node whose files someone tampered with: links planted in
// keel's places toward a secret outside them are never followed (the secret is in no dump and no
// snapshot), a link at <KEEL_VAR>/snapshot stops the dump with a message and nothing written
// there; admin not running, the dump says so and is made anyway; only the last 3 dumps are kept.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusConnectError } from '@keel/bus';
import { readZip } from '@keel/config';
import { runCli } from '../../apps/cli/src/cli';
import { NodeFixture } from './node-fixture';

const SECRET = 'the secret outside keel';
let node: NodeFixture;
let outside: string;

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (l: string) => out.push(l),
    err: (l: string) => err.push(l),
    env: node.env('nats://127.0.0.1:1'),
  };
  const noBus = () => Promise.reject(new BusConnectError('nats://127.0.0.1:1', new Error('refused')));
  return runCli(argv, io, noBus).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

beforeAll(() => {
  node = new NodeFixture('demo', '<safe><service mode="mirror"><user/></service></safe>');
  outside = mkdtempSync(join(tmpdir(), 'keel-outside-'));
  writeFileSync(join(outside, 'secret'), SECRET);
  const varDir = join(node.var, 'modules', 'demo');
  mkdirSync(varDir, { recursive: true });
  writeFileSync(join(varDir, 'module.log'), '2026-12-08 01:00:00.000 I started\n');
  // A script log, a configuration file and the whole bin/ replaced by links to the outside.
  symlinkSync(join(outside, 'secret'), join(varDir, 'userlog_2026_12_08T010000000_start_prim.ulog'));
  symlinkSync(join(outside, 'secret'), join(node.etc, 'modules', 'demo', 'conf', 'extra.xml'));
  rmSync(join(node.etc, 'modules', 'demo', 'bin'), { recursive: true });
  symlinkSync(outside, join(node.etc, 'modules', 'demo', 'bin'));
});

afterAll(() => {
  node?.remove();
  rmSync(outside, { recursive: true, force: true });
});

test('links are never followed, admin down is said, the last 3 dumps are kept', async () => {
  for (let i = 0; i < 4; i++) expect((await cli('dump', '-m', 'demo')).code).toBe(0);
  const dumps = join(node.var, 'snapshot', 'modules', 'demo');
  const kept = readdirSync(dumps);
  expect(kept).toHaveLength(3);
  const newest = kept.sort().at(-1)!;
  expect(readFileSync(join(dumps, newest, 'state.txt'), 'utf8')).toMatch(/^\(admin cannot be asked: /);
  expect(readdirSync(join(dumps, newest))).not.toContain('userlog');

  const zip = join(outside, 'snap.zip');
  expect((await cli('snapshot', '-m', 'demo', zip)).code).toBe(0);
  const entries = readZip(readFileSync(zip));
  expect(entries.map((e) => e.name)).toContain(
    'snapshot_node1_demo/demo/config_current/module/conf/userconfig.xml',
  );
  expect(entries.filter((e) => e.data.toString('utf8').includes(SECRET)).map((e) => e.name)).toEqual([]);
  expect(entries.filter((e) => /extra\.xml|\/bin\//.test(e.name))).toEqual([]);

  // A link where the dumps go: refused, nothing written at its target.
  rmSync(join(node.var, 'snapshot'), { recursive: true });
  mkdirSync(join(outside, 'elsewhere'));
  symlinkSync(join(outside, 'elsewhere'), join(node.var, 'snapshot'));
  const refused = await cli('dump', '-m', 'demo');
  expect(refused).toMatchObject({
    code: 1,
    err: expect.stringMatching(/snapshot is not a directory \(a link\?\)/),
  });
  expect(readdirSync(join(outside, 'elsewhere'))).toEqual([]);
});
