import type { FileKind, HealthProbe, PortHolder } from '../src/support/healthcheck/health-probe.port';
import {
  healthLine,
  runHealthChecks,
  type HealthInputs,
  type HealthResult,
} from '../src/support/healthcheck/health-checks';

// keel healthcheck's checks on a machine the test describes: a machine with every prerequisite
// passes; each prerequisite taken away is reported, FAIL or WARN, with what to do.
interface Machine {
  files: Record<string, { kind: FileKind; mode: number }>;
  programs: string[];
  texts: Record<string, string>;
  runs: Record<string, { code: number; out: string }>;
  ports: Record<string, PortHolder>;
}

const COMPLETE = (): Machine => ({
  files: {
    '/dev/fuse': { kind: 'char', mode: 0o666 },
    '/var/lib/keel/cluster/cluster.xml': { kind: 'file', mode: 0o600 },
    '/var/lib/keel/cluster/cluster.key': { kind: 'file', mode: 0o600 },
  },
  programs: ['fusermount3', 'nft', 'ip', 'nats-server', 'timedatectl'],
  texts: { '/proc/filesystems': 'nodev\tsysfs\nnodev\tfuse\n\tfuseblk\n' },
  runs: {
    'nft list tables': { code: 0, out: '' },
    'timedatectl show -p NTPSynchronized --value': { code: 0, out: 'yes\n' },
  },
  ports: { 'tcp/9010': { pid: 40, command: 'node /usr/lib/keel/apps/api/main.js' } },
});

const INPUTS: HealthInputs = {
  clusterFile: '/var/lib/keel/cluster/cluster.xml',
  keyFile: '/var/lib/keel/cluster/cluster.key',
  nodeName: { ok: true, node: 'node1' },
  ports: [
    { proto: 'tcp', port: 9010, what: 'the web service' },
    { proto: 'udp', port: 8888, what: 'module mirror heartbeat' },
  ],
};

function sut(
  change: (m: Machine) => void = () => undefined,
  inputs: Partial<HealthInputs> = {},
): HealthResult[] {
  const m = COMPLETE();
  change(m);
  const probe: HealthProbe = {
    stat: (p) => m.files[p],
    which: (p) => (m.programs.includes(p) ? `/usr/bin/${p}` : undefined),
    read: (p) => m.texts[p],
    run: (p, args) =>
      m.programs.includes(p) ? (m.runs[[p, ...args].join(' ')] ?? { code: 1, out: '' }) : undefined,
    portHolder: (proto, port) => m.ports[`${proto}/${port}`],
  };
  return runHealthChecks(probe, { ...INPUTS, ...inputs });
}

const notOk = (r: HealthResult[]) => r.filter((x) => x.status !== 'OK').map(healthLine);

test('a machine with every prerequisite: every check OK, the web port held by keel itself', () => {
  const r = sut();
  expect(notOk(r)).toEqual([]);
  expect(r.map((x) => x.check)).toEqual(
    expect.arrayContaining([
      'fuse device',
      'fusermount3',
      'nft',
      'ip',
      'nats-server',
      'cluster.key',
      'port udp/8888',
      'clock',
    ]),
  );
});

test('no /dev/fuse: FAIL saying to load the fuse module', () => {
  expect(notOk(sut((m) => delete m.files['/dev/fuse']))).toEqual([
    'FAIL fuse device: /dev/fuse is missing -> load FUSE: modprobe fuse, and add "fuse" to /etc/modules-load.d/keel.conf (replicated directories need it)',
  ]);
});

test('no fusermount3 and no nats-server: one FAIL each, naming the package', () => {
  const lines = notOk(
    sut((m) => (m.programs = m.programs.filter((p) => p !== 'fusermount3' && p !== 'nats-server'))),
  );
  expect(lines).toEqual([
    'FAIL fusermount3: fusermount3 not found (mounts of the replicated directories) -> apt-get install fuse3',
    "FAIL nats-server: nats-server not found (the node's bus) -> apt-get install nats-server (then keel bus init)",
  ]);
});

test('nftables present but the kernel refuses it: FAIL on nf_tables', () => {
  const lines = notOk(sut((m) => (m.runs['nft list tables'] = { code: 1, out: '' })));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^FAIL nf_tables: .* -> modprobe nf_tables/);
});

test('cluster.key readable by others and cluster.xml missing: FAIL with chmod and how to make it', () => {
  const lines = notOk(
    sut((m) => {
      m.files['/var/lib/keel/cluster/cluster.key'] = { kind: 'file', mode: 0o644 };
      delete m.files['/var/lib/keel/cluster/cluster.xml'];
    }),
  );
  expect(lines).toEqual([
    'FAIL cluster.xml: /var/lib/keel/cluster/cluster.xml is missing -> keel cluster config <cluster.xml> on one node',
    'FAIL cluster.key: /var/lib/keel/cluster/cluster.key has mode 0644 -> chmod 600 /var/lib/keel/cluster/cluster.key',
  ]);
});

test("this node not in cluster.xml: FAIL with the loader's reason", () => {
  const lines = notOk(
    sut(undefined, { nodeName: { ok: false, message: 'no node of cluster.xml is this host' } }),
  );
  expect(lines).toEqual([
    expect.stringMatching(/^FAIL node name: no node of cluster.xml is this host -> set KEEL_NODE/),
  ]);
});

test("a module's heartbeat port taken by another program: FAIL naming it", () => {
  const lines = notOk(sut((m) => (m.ports['udp/8888'] = { pid: 77, command: '/usr/sbin/dnsmasq' })));
  expect(lines).toEqual([
    'FAIL port udp/8888: taken by /usr/sbin/dnsmasq (pid 77); module mirror heartbeat needs it -> stop that process or move it to another port',
  ]);
});

test('a clock not synchronised, or no tool to tell: WARN only', () => {
  const unsynced = sut(
    (m) => (m.runs['timedatectl show -p NTPSynchronized --value'] = { code: 0, out: 'no\n' }),
  );
  expect(notOk(unsynced)).toEqual([
    'WARN clock: not synchronised (timedatectl) -> timedatectl set-ntp true, or install chrony',
  ]);
  const unknown = sut((m) => (m.programs = m.programs.filter((p) => p !== 'timedatectl')));
  expect(notOk(unknown)).toEqual([expect.stringMatching(/^WARN clock: cannot tell/)]);
});
