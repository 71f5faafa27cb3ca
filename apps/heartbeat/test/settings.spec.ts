// Start-up settings from the environment and the files: modules found under $KEEL_ETC, the
// cluster key checked, the node named; clear errors for what prevents a start.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeStartupError } from '@keel/config';
import { FileIncarnationSource } from '../src/adapters/incarnation-file';
import { heartbeatPaths, resolveHeartbeatSettings } from '../src/settings';
import { CLUSTER_KEY, CLUSTER_XML, mirrorXml } from './support/fixtures';
import { nodeDirs, type NodeDirs } from './support/node-dirs';

const host = { hostname: 'box', localAddresses: [] };
let dirs: NodeDirs;
beforeEach(() => {
  dirs = nodeDirs('node1');
  dirs.writeCluster(CLUSTER_XML);
  dirs.writeKey();
});
afterEach(() => dirs.remove());

it("keeps its incarnation in the node's KEEL_VAR", () => {
  expect(heartbeatPaths({}).incarnationFile).toBe('/var/lib/keel/heartbeat/incarnation');
  expect(heartbeatPaths({ KEEL_VAR: '/srv/keel' }).incarnationFile).toBe('/srv/keel/heartbeat/incarnation');
});

it('serves the mirror and farm modules it finds, and says why it leaves the others out', () => {
  dirs.writeModule('web', mirrorXml(), 2);
  dirs.writeModule('app', mirrorXml({ port: 9100 }));
  dirs.writeModule(
    'broken',
    '<safe><service mode="mirror"><heart><heartbeat name="nowhere"/></heart></service></safe>',
    5,
  );
  dirs.writeModule('lb', '<safe><service mode="farm"><farm><lan name="lan1"/></farm></service></safe>', 7);
  dirs.writeModule('badid', mirrorXml(), 'x');

  const s = resolveHeartbeatSettings(dirs.env, host);

  expect(s.node).toBe('node1');
  expect(s.clusterKey).toEqual(CLUSTER_KEY);
  expect(s.natsUrl).toBe('nats://127.0.0.1:4222');
  expect(s.plan.modules.map((m) => [m.name, m.id, m.port])).toEqual([
    ['app', 1, 9100],
    ['web', 2, 8889],
  ]);
  // The farm's membership port: 4803 + (id - 1) x 3 (reference §5.5).
  expect(s.plan.farms.map((f) => [f.name, f.id, f.port])).toEqual([['lb', 7, 4821]]);
  const notes = Object.fromEntries(s.notes.map((n) => [n.module, `${n.level}: ${n.message}`]));
  expect(notes['broken']).toMatch(/^error: .*LAN 'nowhere' is not defined/);
  expect(notes['badid']).toMatch(/^error: .*id must hold a whole number/);
  expect(notes['lb']).toBeUndefined();
  expect(notes['app']).toMatch(/^warn: no .*app\/id: module id 1 derived/);
});

it('reads KEEL_NATS_URL', () => {
  expect(
    resolveHeartbeatSettings({ ...dirs.env, KEEL_NATS_URL: 'nats://127.0.0.1:4333' }, host).natsUrl,
  ).toBe('nats://127.0.0.1:4333');
});

it.each<[string, (d: NodeDirs) => void, RegExp]>([
  ['no cluster key', (d) => d.writeKey('', 0o600), /the file is empty/],
  ['a short cluster key', (d) => d.writeKey('ab'.repeat(16), 0o600), /16 bytes long; at least 32/],
  ['a cluster key others can read', (d) => d.writeKey(undefined, 0o644), /permissions 0644 .* chmod 600/],
  [
    'no cluster.xml',
    (d) => writeFileSync(join(d.env['KEEL_VAR'], 'cluster', 'cluster.xml'), '<cluster/>'),
    /cluster\.xml/,
  ],
])('refuses to start with %s', (_what, damage, message) => {
  damage(dirs);
  expect(() => resolveHeartbeatSettings(dirs.env, host)).toThrow(NodeStartupError);
  expect(() => resolveHeartbeatSettings(dirs.env, host)).toThrow(message);
});

it('refuses to start without a cluster key file, and says how to make one', () => {
  const missing = nodeDirs('node1');
  missing.writeCluster(CLUSTER_XML);
  try {
    expect(() => resolveHeartbeatSettings(missing.env, host)).toThrow(
      /cluster\.key: the file does not exist.*openssl rand -hex 32/,
    );
  } finally {
    missing.remove();
  }
});

it('refuses to start on a node that is not in cluster.xml', () => {
  expect(() => resolveHeartbeatSettings({ ...dirs.env, KEEL_NODE: 'node7' }, host)).toThrow(
    /KEEL_NODE=node7 is not a node/,
  );
});

describe('incarnations', () => {
  it('grow across starts, even when the wall clock goes back', async () => {
    const file = join(dirs.root, 'var', 'heartbeat', 'incarnation');
    let wall = 5_000;
    const source = new FileIncarnationSource(file, () => wall);
    expect(await source.next()).toBe(5_000);
    wall = 1_000; // clock set back
    expect(await new FileIncarnationSource(file, () => wall).next()).toBe(5_001);
    expect(readFileSync(file, 'utf8')).toBe('5001\n');
    wall = 9_000;
    expect(await new FileIncarnationSource(file, () => wall).next()).toBe(9_000);
  });

  it('start again from the clock when the file is damaged', async () => {
    const file = join(dirs.root, 'var', 'heartbeat', 'incarnation');
    await new FileIncarnationSource(file, () => 1).next();
    writeFileSync(file, 'garbage');
    expect(await new FileIncarnationSource(file, () => 42).next()).toBe(42);
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });
});
