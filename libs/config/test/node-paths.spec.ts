import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keelHome, modulePaths, nodePaths } from '../src';

// One set of KEEL_* defaults for every service and the CLI (libs/config/src/node/node-paths.ts).
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-paths-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('defaults to /etc/keel and /var/lib/keel, also for empty variables', () => {
  const defaults = {
    etc: '/etc/keel',
    var: '/var/lib/keel',
    home: '/opt/keel',
    clusterFile: '/var/lib/keel/cluster/cluster.xml',
    keyFile: '/var/lib/keel/cluster/cluster.key',
    modulesDir: '/etc/keel/modules',
  };
  expect(nodePaths({ KEEL_HOME: '/opt/keel' })).toEqual(defaults);
  expect(nodePaths({ KEEL_ETC: '', KEEL_VAR: '', KEEL_HOME: '/opt/keel' })).toEqual(defaults);
});

it('puts every file under the variables that are set', () => {
  const paths = nodePaths({ KEEL_ETC: '/e', KEEL_VAR: '/v', KEEL_HOME: '/h' });
  expect(paths).toEqual({
    etc: '/e',
    var: '/v',
    home: '/h',
    clusterFile: '/v/cluster/cluster.xml',
    keyFile: '/v/cluster/cluster.key',
    modulesDir: '/e/modules',
  });
  expect(modulePaths(paths, 'web')).toEqual({
    module: 'web',
    conf: '/e/modules/web/conf',
    userconfig: '/e/modules/web/conf/userconfig.xml',
    bin: '/e/modules/web/bin',
    varDir: '/v/modules/web',
    stateFile: '/v/modules/web/state.json',
    logFile: '/v/modules/web/module.log',
  });
});

it("finds keel's home above the running code, by the CLI it holds", () => {
  mkdirSync(join(dir, 'apps/cli/bin'), { recursive: true });
  writeFileSync(join(dir, 'apps/cli/bin/keel'), '');
  const deep = join(dir, 'dist/apps/admin/src');
  mkdirSync(deep, { recursive: true });
  expect(keelHome({}, deep)).toBe(dir);
  expect(keelHome({ KEEL_HOME: '' }, deep)).toBe(dir);
  expect(keelHome({ KEEL_HOME: '/opt/keel' }, deep)).toBe('/opt/keel');
});

it('falls back to the packaged place outside any keel tree', () => {
  expect(keelHome({}, dir)).toBe('/usr/lib/keel');
});

// Root runs keel-rfsd and keel-fence from the home: a tree planted in a directory anyone may
// write to (as /tmp) must never be taken for it, nor a tree inside a directory others may write
// to (they could swap it), unless that directory is sticky.
it.each([
  ['group-writable', 0o775, '/usr/lib/keel'],
  ['world-writable and sticky, as /tmp', 0o1777, 'HOME'],
])('a tree in a directory that is %s above it', (_, mode, want) => {
  const above = join(dir, 'above');
  const home = join(above, 'keel');
  mkdirSync(join(home, 'apps/cli/bin'), { recursive: true });
  writeFileSync(join(home, 'apps/cli/bin/keel'), '');
  const code = join(home, 'dist');
  mkdirSync(code);
  chmodSync(above, mode);
  expect(keelHome({}, code)).toBe(want === 'HOME' ? home : want);
});

it.each([
  ['writable by others', 0o777, '/usr/lib/keel'],
  ['writable by its group', 0o775, '/usr/lib/keel'],
  ['(control) writable by its owner only', 0o755, 'HOME'],
])('a tree in a directory %s is taken only when no one else could have planted it', (_, mode, want) => {
  const shared = join(dir, 'shared');
  mkdirSync(join(shared, 'apps/cli/bin'), { recursive: true });
  writeFileSync(join(shared, 'apps/cli/bin/keel'), '');
  const code = join(shared, 'copied/dist');
  mkdirSync(code, { recursive: true });
  chmodSync(shared, mode);
  expect(keelHome({}, code)).toBe(want === 'HOME' ? shared : want);
});
