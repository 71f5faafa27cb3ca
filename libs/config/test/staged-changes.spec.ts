import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/errors';
import { StagedChanges, STAGE_TTL_MS } from '../src/apply/staged-changes';
import { nodePaths } from '../src/node/node-paths';

// The node's side of `keel -G` / `-E` (docs/decisions/0022): staged beside its place, renamed in at
// commit, put back at rollback, dropped when left alone too long; in a temporary KEEL_ETC/KEEL_VAR.
const CLUSTER = (lans: string[]) =>
  `<cluster><lans>${lans
    .map(
      (l) =>
        `<lan name="${l}"><node name="node1" addr="10.0.0.1"/><node name="node2" addr="10.0.0.2"/></lan>`,
    )
    .join('')}</lans></cluster>`;
const KEY = 'ab'.repeat(32);
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function factory() {
  const root = mkdtempSync(join(tmpdir(), 'keel-staged-'));
  roots.push(root);
  const env = { KEEL_ETC: join(root, 'etc'), KEEL_VAR: join(root, 'var') };
  const paths = nodePaths(env);
  mkdirSync(join(paths.modulesDir, 'demo', 'conf'), { recursive: true });
  writeFileSync(
    join(paths.modulesDir, 'demo', 'conf', 'userconfig.xml'),
    '<safe><service mode="mirror"><heart><heartbeat name="repli"/></heart></service></safe>',
  );
  mkdirSync(join(paths.var, 'cluster'), { recursive: true });
  writeFileSync(paths.clusterFile, CLUSTER(['default', 'repli']));
  writeFileSync(paths.keyFile, KEY, { mode: 0o600 });
  let now = 0;
  const sut = new StagedChanges(paths, env, () => now);
  const staged = () => {
    const dir = join(paths.var, 'cluster', '.staging');
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  return { sut, paths, staged, later: (ms: number) => (now += ms) };
}

it('commits, then rolls back to the cluster.xml and key that were there', () => {
  const { sut, paths, staged } = factory();
  const next = CLUSTER(['default', 'repli', 'third']);
  const { id, what } = sut.prepareCluster({ cluster: next, key: 'cd'.repeat(32) });
  expect(what).toBe('cluster.xml and cluster.key');
  expect(readFileSync(paths.clusterFile, 'utf8')).toBe(CLUSTER(['default', 'repli']));
  sut.commit(id);
  expect(readFileSync(paths.clusterFile, 'utf8')).toBe(next);
  expect(readFileSync(paths.keyFile, 'utf8').trim()).toBe('cd'.repeat(32));
  sut.rollback(id);
  expect(readFileSync(paths.clusterFile, 'utf8')).toBe(CLUSTER(['default', 'repli']));
  expect(readFileSync(paths.keyFile, 'utf8')).toBe(KEY);
  expect(sut.forget(id)).toBe('rolledback');
  expect(staged()).toEqual([]);
});

it('refuses a cluster.xml an installed module does not fit, staging nothing', () => {
  const { sut, staged } = factory();
  expect(() => sut.prepareCluster({ cluster: CLUSTER(['default']) })).toThrow(ConfigError);
  expect(() => sut.prepareCluster({ cluster: CLUSTER(['default']) })).toThrow("LAN 'repli' is not defined");
  expect(() => sut.prepareCluster({ cluster: CLUSTER(['default', 'repli']), key: 'ab' })).toThrow(
    'cluster.key',
  );
  expect(staged()).toEqual([]);
});

it('drops a prepared change left alone too long; a commit then finds nothing', () => {
  const { sut, paths, staged, later } = factory();
  const { id } = sut.prepareCluster({ cluster: CLUSTER(['default', 'repli', 'x']) });
  later(STAGE_TTL_MS + 1);
  expect(() => sut.commit(id)).toThrow(`no change ${id} on this node (expired or never prepared)`);
  expect(staged()).toEqual([]);
  expect(readFileSync(paths.clusterFile, 'utf8')).toBe(CLUSTER(['default', 'repli']));
});

it('commits only a prepared change, rolls back only a committed one', () => {
  const { sut } = factory();
  const { id } = sut.prepareCluster({ cluster: CLUSTER(['default', 'repli']) });
  expect(() => sut.rollback(id)).toThrow(`change ${id} is prepared, not committed`);
  sut.commit(id);
  expect(() => sut.commit(id)).toThrow(`change ${id} is committed, not prepared`);
});

it('stages a module with its id and installs it at commit; rollback removes it again', () => {
  const { sut, paths } = factory();
  const files = [
    {
      path: 'conf/userconfig.xml',
      mode: 0o644,
      data: Buffer.from(
        '<safe><service mode="mirror"><heart><heartbeat name="default"/></heart></service></safe>',
      ),
    },
  ];
  const { id, moduleId } = sut.prepareModule({ name: 'app', files, id: 7 }, 'app.safe');
  expect(moduleId).toBe(7);
  expect(existsSync(join(paths.modulesDir, 'app'))).toBe(false);
  sut.commit(id);
  expect(readFileSync(join(paths.modulesDir, 'app', 'id'), 'utf8')).toBe('7\n');
  sut.rollback(id);
  expect(existsSync(join(paths.modulesDir, 'app'))).toBe(false);
  // demo has no id file: its id today (1) is not given to another module.
  expect(() => sut.prepareModule({ name: 'app', files, id: 1 }, 'app.safe')).toThrow(
    'module id 1 is already the id of module demo',
  );
});

it('removes what a change left staged before the api restarted, once it is old', () => {
  const { sut, paths } = factory();
  const staging = join(paths.var, 'cluster', '.staging');
  mkdirSync(join(staging, 'change-left'), { recursive: true });
  const old = new Date(Date.now() - STAGE_TTL_MS - 60_000);
  utimesSync(join(staging, 'change-left'), old, old);
  mkdirSync(join(staging, 'change-recent'));
  sut.prepareCluster({ cluster: CLUSTER(['default', 'repli']) });
  expect(readdirSync(staging)).not.toContain('change-left');
  expect(readdirSync(staging)).toContain('change-recent');
});

it('refuses a second change of the same file while the first is under way', () => {
  const { sut, staged } = factory();
  const first = sut.prepareCluster({ cluster: CLUSTER(['default', 'repli']) });
  expect(() => sut.prepareCluster({ cluster: CLUSTER(['default', 'repli', 'x']) })).toThrow(
    `another change of cluster.xml (${first.id}) is under way on this node; try again when it ends`,
  );
  expect(staged()).toHaveLength(1);
  sut.forget(first.id);
  expect(() => sut.prepareCluster({ cluster: CLUSTER(['default', 'repli', 'x']) })).not.toThrow();
});
