// `keel module package` then `keel module install` on node1, then `keel -H "*" -E app`: the module
// is installed on both nodes through their apis (two phases), with node1's module id, the same
// files and executable scripts, and `keel -H "*" cluster state` gives both the same signature.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USERCONFIG } from './api-node';
import { startClusterNodes, type ClusterNodes } from './cluster-nodes';

jest.setTimeout(90_000);
let c: ClusterNodes;
beforeAll(async () => {
  c = await startClusterNodes();
});
afterAll(async () => {
  await c?.stop();
});

test('package, install on node1, then -E installs it on both nodes with the same id and files', async () => {
  const work = mkdtempSync(join(tmpdir(), 'keel-safe-'));
  const src = join(work, 'app');
  mkdirSync(join(src, 'conf'), { recursive: true });
  mkdirSync(join(src, 'bin'));
  writeFileSync(join(src, 'conf', 'userconfig.xml'), USERCONFIG);
  writeFileSync(join(src, 'bin', 'start_prim'), '#!/bin/sh\necho started\n');
  chmodSync(join(src, 'bin', 'start_prim'), 0o755);
  const safe = join(work, 'app.safe');

  expect(await c.keel(['module', 'package', src, safe])).toMatchObject({ code: 0 });
  const installed = await c.keel(['module', 'install', '-m', 'app', safe]);
  expect(installed).toMatchObject({ code: 0, err: [] });
  // demo (no id file) keeps the id it had, 1: the new module takes the next one.
  expect(installed.out[0]).toBe(`module app installed with id 2 from ${safe}`);
  expect((await c.keel(['module', 'listid'])).out).toEqual([
    `app${' '.repeat(17)} 2`,
    `demo${' '.repeat(16)} 1`,
  ]);

  const pushed = await c.keel(['-H', '*', '-E', 'app']);
  expect(pushed.err).toEqual([]);
  expect(pushed.code).toBe(0);
  expect(pushed.out.filter((l) => !l.startsWith('-'))).toEqual([
    'accepted (staged)',
    'applied',
    'accepted (staged)',
    'applied',
  ]);

  for (const n of [c.n1, c.n2]) {
    const dir = join(n.node.etc, 'modules', 'app');
    expect(readFileSync(join(dir, 'id'), 'utf8')).toBe('2\n');
    expect(readFileSync(join(dir, 'conf', 'userconfig.xml'), 'utf8')).toBe(USERCONFIG);
    expect(statSync(join(dir, 'bin', 'start_prim')).mode & 0o777).toBe(0o755);
    // Nothing left staged once the change is over.
    const staging = join(n.node.etc, 'modules', '.staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  }
  // The same package on both nodes: each node's api gives the same id and signature.
  const state = await c.keel(['-H', '*', 'cluster', 'state']);
  expect(state.code).toBe(0);
  const apps = state.out.filter((l) => l.includes(' app '));
  expect(apps.map((l) => l.split(' ').slice(0, 4).join(' '))).toEqual([
    'node1 app mirror 2',
    'node2 app mirror 2',
  ]);
  const [one, two] = apps.map((l) => l.split(' ').at(-1));
  expect(one).toMatch(/^[0-9a-f]{64}$/);
  expect(two).toBe(one);
});
