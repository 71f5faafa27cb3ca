import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The real `keel` executable, compiled by `npm run build`, run as a process.
const root = join(__dirname, '../../..');
const keel = (...args: string[]) =>
  spawnSync(join(root, 'apps/cli/bin/keel'), args, {
    encoding: 'utf8',
    env: { ...process.env, KEEL_VAR: '/nonexistent' },
  });

test('keel confcheck runs as a process with exit codes 0, 1 and 2', () => {
  const ok = keel('confcheck', join(root, 'test/fixtures/valid/softerrd'));
  expect(ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  expect(ok.stdout).toMatch(/valid mirror module/);

  const bad = keel(
    'cluster',
    'confcheck',
    join(root, 'test/fixtures/invalid/56-cluster-one-node/cluster.xml'),
  );
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/<lan> needs at least 2 <node> elements/);

  const usage = keel('nope');
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/allowed: confcheck, cluster, module, start/);
});
