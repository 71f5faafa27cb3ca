// The node part of a dump (SafeKit's `heartplug`, safekit-ops §7.18): keel's version, the system,
// keel's processes, the mounts of the module's replicated directories (and every FUSE mount), the
// free space of KEEL_VAR and the addresses. Read from /proc and two programs; nothing is changed.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { hostname, release, type } from 'node:os';
import { keelVersion, nodePaths, type NodeEnv } from '@keel/config';

/** Processes of keel and its bus (their command line says so). */
const KEEL_PROCESS = /keel|nats-server|\/apps\/(admin|heartbeat|rfs|vip|checkers|api)\//;

export function systemInfo(env: NodeEnv, replicatedDirs: readonly string[], now: Date): string {
  const paths = nodePaths(env);
  const lines = [
    `date: ${now.toISOString()}`,
    `keel: ${keelVersion(paths.home)} (home ${paths.home})`,
    `host: ${hostname()}, ${type()} ${release()}`,
    `uptime: ${read('/proc/uptime')?.split(' ')[0] ?? '?'} s, load ${read('/proc/loadavg')?.trim() ?? '?'}`,
    `free space of ${paths.var}: ${freeSpace(paths.var)}`,
    '',
    '== keel processes (pid, command line)',
    ...keelProcesses(),
    '',
    '== mounts of the replicated directories and FUSE mounts',
    ...mounts(replicatedDirs),
    '',
    '== addresses (ip -brief address)',
    ...(run('ip', ['-brief', 'address']) ?? ['(ip cannot run)']),
  ];
  return lines.join('\n') + '\n';
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function freeSpace(dir: string): string {
  try {
    const s = statfsSync(dir);
    return `${Math.floor((s.bavail * s.bsize) / 2 ** 20)} MiB of ${Math.floor((s.blocks * s.bsize) / 2 ** 20)} MiB`;
  } catch (e) {
    return `unknown (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

function keelProcesses(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const argv = read(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean).join(' ');
    if (argv && KEEL_PROCESS.test(argv)) out.push(`${pid} ${argv.slice(0, 300)}`);
  }
  return out.length > 0 ? out : ['(none)'];
}

function mounts(replicatedDirs: readonly string[]): string[] {
  const lines = (read('/proc/self/mounts') ?? '').split('\n').filter((l) => {
    const [, point, fstype] = l.split(' ');
    if (!point || !fstype) return false;
    return fstype.startsWith('fuse') || replicatedDirs.some((d) => point === d || point.startsWith(`${d}/`));
  });
  return lines.length > 0 ? lines : ['(none)'];
}

function run(program: string, args: readonly string[]): string[] | undefined {
  try {
    return execFileSync(program, args, {
      encoding: 'utf8',
      timeout: 5_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trimEnd()
      .split('\n');
  } catch {
    return undefined;
  }
}
