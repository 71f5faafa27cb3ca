import { cpSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli';
import { recorder } from './recorder';

const fixtures = join(__dirname, '../../../test/fixtures');
const valid = (name: string) => join(fixtures, 'valid', name);

describe('keel confcheck', () => {
  it('accepts a valid module file, prints a summary and exits 0', async () => {
    const io = recorder();
    expect(
      await runCli(
        [
          'confcheck',
          join(valid('mirror'), 'userconfig.xml'),
          '--cluster',
          join(fixtures, 'valid/cluster-2lans.xml'),
        ],
        io,
      ),
    ).toBe(0);
    expect(io.stdout[0]).toMatch(/userconfig\.xml: valid mirror module$/);
    expect(io.stdout).toContain('  heartbeat flow: lan private pulse 700ms timeout 30000ms');
    expect(io.stdout).toContain('  replicated /var/repdir');
    expect(io.stderr).toEqual([]);
  });

  it('shows the lease arbiter a module takes, checked against the cluster (docs/decisions/0019)', async () => {
    const io = recorder();
    const args = [join(valid('arbiter'), 'userconfig.xml'), '--cluster'];
    expect(await runCli(['confcheck', ...args, join(fixtures, 'valid/cluster-arbiter.xml')], io)).toBe(0);
    expect(io.stdout).toContain('  arbiter arbiter.lease: lease ttl 4000ms fence 500ms');
    const without = recorder();
    expect(await runCli(['confcheck', ...args, join(fixtures, 'valid/cluster-2lans.xml')], without)).toBe(1);
    expect(without.stderr[0]).toMatch(/<arbiter> needs the cluster's <arbiter endpoints="\.\.\."> in /);
  });

  it('finds conf/userconfig.xml in a SafeKit-style module directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-confcheck-'));
    try {
      mkdirSync(join(dir, 'conf'));
      cpSync(join(valid('farm'), 'userconfig.xml'), join(dir, 'conf', 'userconfig.xml'));
      const io = recorder();
      expect(await runCli(['confcheck', dir], io)).toBe(0);
      expect(io.stdout[0]).toContain('valid farm module');
      expect(io.stdout.at(-1)).toMatch(/not checked against a cluster/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints every located error and exits 1 for an invalid module', async () => {
    const dir = join(fixtures, 'invalid/63-multiple-errors-reported');
    const io = recorder();
    expect(await runCli(['confcheck', join(dir, 'userconfig.xml')], io)).toBe(1);
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trim().split('\n');
    // The CLI names files as given; the fixture names them relative to the repository.
    expect(io.stderr.slice(0, -1).map((l) => l.slice(l.indexOf('userconfig.xml')))).toEqual(
      expected.map((l) => l.slice(l.indexOf('userconfig.xml'))),
    );
    expect(io.stderr.at(-1)).toBe('5 error(s): configuration not valid');
  });

  it('checks the module against the cluster: a mirror on three nodes is refused', async () => {
    const dir = join(fixtures, 'invalid/19-mirror-three-nodes');
    const io = recorder();
    expect(await runCli(['confcheck', dir, '--cluster', join(dir, 'cluster.xml')], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/a mirror module runs on exactly 2 nodes; this one would run on 3/);
  });

  it('uses the installed cluster.xml under KEEL_VAR when no --cluster is given', async () => {
    const dir = join(fixtures, 'invalid/18-undefined-lan');
    const keelVar = mkdtempSync(join(tmpdir(), 'keel-var-'));
    try {
      mkdirSync(join(keelVar, 'cluster'));
      cpSync(join(dir, 'cluster.xml'), join(keelVar, 'cluster', 'cluster.xml'));
      const io = recorder({ KEEL_VAR: keelVar });
      expect(await runCli(['confcheck', dir], io)).toBe(1);
      expect(io.stderr[0]).toMatch(/LAN 'backbone' is not defined/);
    } finally {
      rmSync(keelVar, { recursive: true, force: true });
    }
  });

  it('reports a missing file as a located error', async () => {
    const io = recorder();
    expect(await runCli(['confcheck', '/nonexistent/userconfig.xml'], io)).toBe(1);
    expect(io.stderr[0]).toBe('/nonexistent/userconfig.xml:0:0: /: cannot read the file: file not found');
  });
});
