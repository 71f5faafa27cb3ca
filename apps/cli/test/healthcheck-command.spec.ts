import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthcheck } from '../src/support/healthcheck/healthcheck';
import type { HealthProbe } from '../src/support/healthcheck/health-probe.port';
import type { PeerAnswer } from '../src/support/healthcheck/health-checks';
import { recorder } from './recorder';

// `keel healthcheck` as a command: exit 1 when a check fails, 0 with warnings only; the lines are
// printed and kept in <KEEL_VAR>/healthcheck.txt. The node here has no cluster files at all.
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keel-health-'));
  mkdirSync(join(root, 'var'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function sut(probe: Partial<HealthProbe> = {}, peers: readonly PeerAnswer[] = []) {
  const io = recorder({ KEEL_VAR: join(root, 'var'), KEEL_ETC: join(root, 'etc'), KEEL_NODE: 'node1' });
  const full: HealthProbe = {
    stat: () => undefined,
    which: (p) => `/usr/bin/${p}`,
    read: () => 'nodev\tfuse\n',
    run: () => ({ code: 0, out: 'yes\n' }),
    portHolder: () => undefined,
    ...probe,
  };
  const code = await healthcheck([], io, full, async () => peers);
  return { code, io };
}

test('missing prerequisites: FAIL lines, a summary, exit 1, and healthcheck.txt written', async () => {
  const { code, io } = await sut();
  expect(code).toBe(1);
  expect(io.stdout).toEqual(
    expect.arrayContaining([
      'FAIL fuse device: /dev/fuse is missing -> load FUSE: modprobe fuse, and add "fuse" to /etc/modules-load.d/keel.conf (replicated directories need it)',
      expect.stringMatching(/^FAIL cluster.xml: .*cluster.xml is missing/),
      expect.stringMatching(/^FAIL cluster.key: .*cluster.key is missing/),
    ]),
  );
  expect(io.stdout.at(-1)).toMatch(/^healthcheck: \d+ OK, 0 WARN, 3 FAIL$/);
  expect(readFileSync(join(root, 'var', 'healthcheck.txt'), 'utf8')).toBe(io.stdout.join('\n') + '\n');
});

test('peers: one answering, one away (a warning), one with another cluster key (a failure)', async () => {
  const { code, io } = await sut({}, [
    { node: 'node2', origin: 'http://10.0.0.2:9010', outcome: { kind: 'answered' } },
    {
      node: 'node3',
      origin: 'http://10.0.0.3:9010',
      outcome: { kind: 'unreachable', message: 'connect ECONNREFUSED' },
    },
    {
      node: 'node4',
      origin: 'http://10.0.0.4:9010',
      outcome: { kind: 'refused', message: 'bad credential' },
    },
  ]);
  expect(code).toBe(1);
  expect(io.stdout).toEqual(
    expect.arrayContaining([
      'OK   peer node2: http://10.0.0.2:9010 answers and holds the same cluster key',
      expect.stringMatching(
        /^WARN peer node3: http:\/\/10.0.0.3:9010 does not answer: connect ECONNREFUSED -> start keel on node3/,
      ),
      expect.stringMatching(
        /^FAIL peer node4: .* refuses this node's credential: bad credential -> give every node the same cluster key/,
      ),
    ]),
  );
});
