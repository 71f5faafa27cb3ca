import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// keel's systemd units (deploy/systemd, docs/decisions/0024), rendered for this checkout as the
// package build renders them: `systemd-analyze verify` finds nothing to say, and the directives
// that keep the node safe are there (systemd ignores a misspelt one with a mere warning).
const ROOT = join(__dirname, '../..');
const RENDER = join(ROOT, 'deploy/systemd/render.sh');
let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'keel-units-'));
  execFileSync(RENDER, [ROOT, process.execPath, out]);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The [Service] directives of a unit, each key with its values in order. */
function service(unit: string): Record<string, string[]> {
  const text = readFileSync(join(out, unit), 'utf8');
  const body = text.slice(text.indexOf('[Service]'), text.indexOf('[Install]'));
  const keys: Record<string, string[]> = {};
  for (const line of body.split('\n').slice(1)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) (keys[m[1]!] ??= []).push(m[2]!);
  }
  return keys;
}

test('systemd-analyze verify accepts every unit without a word', () => {
  const units = readdirSync(out).sort();
  expect(units).toEqual([
    'keel-admin.service',
    'keel-api.service',
    'keel-checkers.service',
    'keel-heartbeat.service',
    'keel-nats.service',
    'keel-rfs.service',
    'keel-vip.service',
    'keel.target',
  ]);
  const r = spawnSync('systemd-analyze', ['verify', ...units], { cwd: out, encoding: 'utf8' });
  expect({ code: r.status, said: `${r.stdout}${r.stderr}` }).toEqual({ code: 0, said: '' });
});

test('each service runs what this checkout holds, restarts but not on a configuration error', () => {
  for (const s of ['admin', 'api', 'checkers', 'heartbeat', 'rfs', 'vip']) {
    const k = service(`keel-${s}.service`);
    const [node, program] = k.ExecStart![0]!.split(' ');
    expect([node, program]).toEqual([process.execPath, join(ROOT, `apps/${s}/bin/keel-${s}`)]);
    expect(existsSync(program!)).toBe(true);
    expect([k.Restart, k.RestartPreventExitStatus]).toEqual([['always'], ['78']]);
  }
  // A restart of the bus must not restart the heartbeats: Wants, never Requires.
  for (const unit of readdirSync(out))
    expect(readFileSync(join(out, unit), 'utf8')).not.toMatch(/^Requires=/m);
});

test('capabilities and kill modes as decided', () => {
  // The daemons and applications outlive a restart of their service.
  expect(service('keel-rfs.service').KillMode).toEqual(['process']);
  expect(service('keel-admin.service').KillMode).toEqual(['process']);
  expect(service('keel-rfs.service').DeviceAllow).toEqual(['/dev/fuse rw']);
  expect(service('keel-vip.service').CapabilityBoundingSet).toEqual([
    'CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE',
  ]);
  expect(service('keel-heartbeat.service').CapabilityBoundingSet).toEqual(['CAP_NET_BIND_SERVICE']);
  for (const unit of ['keel-api.service', 'keel-nats.service']) {
    expect(service(unit).CapabilityBoundingSet).toEqual(['']);
    expect(service(unit).ProtectSystem).toEqual(['strict']);
    expect(service(unit).NoNewPrivileges).toEqual(['yes']);
  }
  expect(service('keel-api.service').ReadWritePaths).toEqual(['/etc/keel /var/lib/keel']);
});

test('render.sh refuses a relative home', () => {
  const r = spawnSync(RENDER, ['relative/home', process.execPath, out], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('KEEL_HOME must be an absolute path, not relative/home');
});
