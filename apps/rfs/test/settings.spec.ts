// What the service reads before it starts: cluster.xml, this node, the modules and their ids,
// the cluster key (only when something replicates), and where keel-rfsd is.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeStartupError } from '@keel/config';
import { resolveRfsSettings } from '../src/settings';
import { CLUSTER_XML, mirrorXml } from './support/fixtures';

let root: string;
const machine = { hostname: 'elsewhere', localAddresses: [] };
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keel-rfs-settings-'));
  mkdirSync(join(root, 'var', 'cluster'), { recursive: true });
  writeFileSync(join(root, 'var', 'cluster', 'cluster.xml'), CLUSTER_XML);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  KEEL_ETC: join(root, 'etc'),
  KEEL_VAR: join(root, 'var'),
  KEEL_NODE: 'node1',
  KEEL_RFSD: '/opt/rfsd',
  ...extra,
});

function install(name: string, xml: string, id?: number): void {
  const dir = join(root, 'etc', 'modules', name);
  mkdirSync(join(dir, 'conf'), { recursive: true });
  writeFileSync(join(dir, 'conf', 'userconfig.xml'), xml);
  if (id !== undefined) writeFileSync(join(dir, 'id'), `${id}\n`);
}

function writeKey(mode = 0o600): void {
  const file = join(root, 'var', 'cluster', 'cluster.key');
  writeFileSync(file, 'ab'.repeat(32));
  chmodSync(file, mode);
}

test('plans the replicated modules with the same ids as heartbeat would number them', () => {
  install('web', mirrorXml(), 2);
  install('app', mirrorXml({ dirs: ['/srv/app'] }));
  install('plain', '<safe><service mode="mirror"><heart><heartbeat name="lan1"/></heart></service></safe>');
  writeKey();
  const s = resolveRfsSettings(env(), machine);
  expect(s.node).toBe('node1');
  expect(s.binary).toBe('/opt/rfsd');
  // app and plain get the lowest free ids in name order: app 1, plain 3; web keeps 2.
  expect(s.plan.modules.map((m) => [m.name, m.listen.port])).toEqual([
    ['app', 5600],
    ['web', 5604],
  ]);
  expect(s.notes.filter((n) => n.level === 'warn').map((n) => n.module)).toEqual(['app', 'plain']);
});

test('refuses to start without a good cluster key when a module replicates', () => {
  install('web', mirrorXml(), 1);
  expect(() => resolveRfsSettings(env(), machine)).toThrow(NodeStartupError);
  writeKey(0o644);
  expect(() => resolveRfsSettings(env(), machine)).toThrow(/chmod 600/);
});

test('a node without replicated modules needs no key', () => {
  expect(resolveRfsSettings(env(), machine).plan.modules).toEqual([]);
});

test('refuses a node that is not in cluster.xml', () => {
  expect(() => resolveRfsSettings(env({ KEEL_NODE: 'node9' }), machine)).toThrow(/KEEL_NODE=node9/);
});
