// The node's prerequisites, checked one by one (pure: the machine is asked through HealthProbe).
// Each check gives OK, WARN (keel runs, something is weaker than it should be) or FAIL (something
// keel needs is missing or wrong) and, unless OK, what to do. docs/decisions/0023 lists them.
import type { HealthProbe } from './health-probe.port';

export type HealthStatus = 'OK' | 'WARN' | 'FAIL';

export interface HealthResult {
  readonly status: HealthStatus;
  readonly check: string;
  readonly detail: string;
  /** What to do; absent when OK. */
  readonly fix?: string;
}

/** A port a module (or the web service) of this node needs. */
export interface NeededPort {
  readonly proto: 'tcp' | 'udp';
  readonly port: number;
  /** Who needs it, e.g. "module mirror heartbeat". */
  readonly what: string;
}

/** What the node's files say, read by the command (healthcheck.ts) before the checks. */
export interface HealthInputs {
  readonly clusterFile: string;
  readonly keyFile: string;
  /** This node's name in cluster.xml, or why it cannot be found; undefined without a cluster.xml. */
  readonly nodeName:
    | { readonly ok: true; readonly node: string }
    | { readonly ok: false; readonly message: string }
    | undefined;
  readonly ports: readonly NeededPort[];
}

/** A port held by one of keel's own processes is in use as it should be. */
const KEEL_PROCESS =
  /\/apps\/(admin|heartbeat|rfs|vip|checkers|api)\/|\bkeel-(rfsd|fence)\b|\/bus\/nats-server\.conf\b/;

const ok = (check: string, detail: string): HealthResult => ({ status: 'OK', check, detail });
const warn = (check: string, detail: string, fix: string): HealthResult => ({
  status: 'WARN',
  check,
  detail,
  fix,
});
const fail = (check: string, detail: string, fix: string): HealthResult => ({
  status: 'FAIL',
  check,
  detail,
  fix,
});

export function runHealthChecks(probe: HealthProbe, inputs: HealthInputs): HealthResult[] {
  return [
    ...kernelChecks(probe),
    ...programChecks(probe),
    ...clusterFileChecks(probe, inputs),
    ...portChecks(probe, inputs.ports),
    clockCheck(probe),
  ];
}

function kernelChecks(probe: HealthProbe): HealthResult[] {
  const out: HealthResult[] = [];
  const fuse = probe.stat('/dev/fuse');
  out.push(
    fuse?.kind === 'char'
      ? ok('fuse device', '/dev/fuse')
      : fail(
          'fuse device',
          fuse ? '/dev/fuse is not a character device' : '/dev/fuse is missing',
          'load FUSE: modprobe fuse, and add "fuse" to /etc/modules-load.d/keel.conf (replicated directories need it)',
        ),
  );
  const filesystems = probe.read('/proc/filesystems');
  out.push(
    filesystems !== undefined && /\bfuse\b/.test(filesystems)
      ? ok('fuse filesystem', 'fuse in /proc/filesystems')
      : fail('fuse filesystem', 'the kernel does not list fuse in /proc/filesystems', 'modprobe fuse'),
  );
  // nf_tables: the virtual IP and the farm filter install nftables rules.
  if (probe.which('nft') !== undefined) {
    const r = probe.run('nft', ['list', 'tables']);
    out.push(
      r?.code === 0
        ? ok('nf_tables', 'nft list tables works')
        : fail(
            'nf_tables',
            'nft cannot list the tables',
            'modprobe nf_tables (the virtual IP and the farm filter use nftables); run as root',
          ),
    );
  }
  return out;
}

const PROGRAMS: readonly { readonly program: string; readonly why: string; readonly fix: string }[] = [
  { program: 'fusermount3', why: 'mounts of the replicated directories', fix: 'apt-get install fuse3' },
  { program: 'nft', why: 'virtual IP and farm filter rules', fix: 'apt-get install nftables' },
  { program: 'ip', why: 'virtual IP addresses', fix: 'apt-get install iproute2' },
  { program: 'nats-server', why: "the node's bus", fix: 'apt-get install nats-server (then keel bus init)' },
];

function programChecks(probe: HealthProbe): HealthResult[] {
  return PROGRAMS.map(({ program, why, fix }) => {
    const at = probe.which(program);
    return at ? ok(program, at) : fail(program, `${program} not found (${why})`, fix);
  });
}

function clusterFileChecks(probe: HealthProbe, inputs: HealthInputs): HealthResult[] {
  const out: HealthResult[] = [];
  const files = [
    { check: 'cluster.xml', file: inputs.clusterFile, make: 'keel cluster config <cluster.xml> on one node' },
    {
      check: 'cluster.key',
      file: inputs.keyFile,
      make: 'keel cluster genkey on one node, then keel cluster config',
    },
  ];
  for (const { check, file, make } of files) {
    const st = probe.stat(file);
    if (!st) out.push(fail(check, `${file} is missing`, make));
    else if (st.kind !== 'file')
      out.push(fail(check, `${file} is not a regular file (a ${st.kind})`, `replace it: ${make}`));
    else if ((st.mode & 0o077) !== 0)
      out.push(
        fail(
          check,
          `${file} has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}`,
          `chmod 600 ${file}`,
        ),
      );
    else out.push(ok(check, `${file} (0600)`));
  }
  if (inputs.nodeName === undefined) return out; // the cluster.xml line says what to do first
  out.push(
    inputs.nodeName.ok
      ? ok('node name', `this node is ${inputs.nodeName.node} in cluster.xml`)
      : fail(
          'node name',
          inputs.nodeName.message,
          'set KEEL_NODE to its cluster.xml name, or give this host a name or address cluster.xml lists',
        ),
  );
  return out;
}

function portChecks(probe: HealthProbe, ports: readonly NeededPort[]): HealthResult[] {
  return ports.map(({ proto, port, what }) => {
    const check = `port ${proto}/${port}`;
    const holder = probe.portHolder(proto, port);
    if (!holder) return ok(check, `free (${what})`);
    const who = `${holder.command}${holder.pid === undefined ? '' : ` (pid ${holder.pid})`}`;
    if (KEEL_PROCESS.test(holder.command)) return ok(check, `used by keel: ${who} (${what})`);
    return fail(check, `taken by ${who}; ${what} needs it`, `stop that process or move it to another port`);
  });
}

/** Clocks: the module log and the failover leases read time; a drifting clock is a warning only. */
function clockCheck(probe: HealthProbe): HealthResult {
  const check = 'clock';
  if (probe.which('timedatectl') !== undefined) {
    const r = probe.run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']);
    if (r?.code === 0 && r.out.trim() === 'yes') return ok(check, 'synchronised (timedatectl)');
    if (r?.code === 0)
      return warn(check, 'not synchronised (timedatectl)', 'timedatectl set-ntp true, or install chrony');
  }
  if (probe.which('chronyc') !== undefined) {
    const r = probe.run('chronyc', ['tracking']);
    if (r?.code === 0 && /Leap status\s*:\s*Normal/.test(r.out)) return ok(check, 'synchronised (chronyc)');
    return warn(check, 'not synchronised (chronyc tracking)', 'check the chrony sources: chronyc sources');
  }
  return warn(
    check,
    'cannot tell: neither timedatectl nor chronyc answers',
    'install chrony or systemd-timesyncd',
  );
}

/** One line per check; a check not OK says what to do after " -> ". */
export function healthLine(r: HealthResult): string {
  return `${r.status.padEnd(4)} ${r.check}: ${r.detail}${r.fix ? ` -> ${r.fix}` : ''}`;
}

export function healthSummary(results: readonly HealthResult[]): string {
  const n = (s: HealthStatus) => results.filter((r) => r.status === s).length;
  return `healthcheck: ${n('OK')} OK, ${n('WARN')} WARN, ${n('FAIL')} FAIL`;
}

/** What a peer's web service said to a request signed with this node's credential. */
export type PeerOutcome =
  | { readonly kind: 'answered' }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string };

export interface PeerAnswer {
  readonly node: string;
  readonly origin: string;
  readonly outcome: PeerOutcome;
}

/**
 * The other nodes of cluster.xml: reachable, and holding the same cluster key (a request signed
 * with the node credential derived from it is accepted only by a node whose key is the same).
 * A node that does not answer is a warning (it may be down for a reason); one that refuses the
 * credential fails: every message between the two would be refused.
 */
export function peerChecks(answers: readonly PeerAnswer[]): HealthResult[] {
  return answers.map(({ node, origin, outcome }) => {
    const check = `peer ${node}`;
    if (outcome.kind === 'answered') return ok(check, `${origin} answers and holds the same cluster key`);
    if (outcome.kind === 'unreachable')
      return warn(
        check,
        `${origin} does not answer: ${outcome.message}`,
        `start keel on ${node}, or check the network and firewall between the nodes (its web port)`,
      );
    return fail(
      check,
      `${origin} refuses this node's credential: ${outcome.message}`,
      `give every node the same cluster key (keel cluster genkey, then keel -H "*" -G from a node that has it)`,
    );
  });
}
