// The load of P7 (docs TARGETS): wrk on a lab client against one address, and how many connections
// each farm node accepted meanwhile. The farm sample's server closes every connection after its
// answer, so each of wrk's requests is a new connection: that is what the farm spreads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/src';
import { ROOT } from '../../../test/lab/keel-cluster';
import { FARM_PORT, FARM_VIP } from '../../../test/lab/farm-client';

export { FARM_PORT, FARM_VIP };
/** The farm sample's nodes and module (deploy/samples/farm-demo). */
export const FARM_NODES = ['node1', 'node2', 'node3'] as const;
export const FARM_MODULE = 'farm-demo';
/** wrk's threads and connections (TARGETS P7: wrk -t2 -c64). */
export const WRK_THREADS = 2;
export const WRK_CONNECTIONS = 64;

export interface Load {
  readonly reqPerSec: number;
  readonly requests: number;
  /** wrk's socket errors (connect, read, write, timeout) and non-2xx answers, summed. */
  readonly errors: number;
  /** Connections each node accepted during the run (its TcpPassiveOpens). */
  readonly byNode: Readonly<Record<string, number>>;
}

/**
 * The farm sample's web server, read from deploy/samples/farm-demo/bin/common.sh so that the
 * anchors serve with the very program keel starts.
 */
export function sampleServerProgram(): string {
  const sh = readFileSync(join(ROOT, 'deploy/samples/farm-demo/bin/common.sh'), 'utf8');
  const m = /nohup node -e '([^']+)'/.exec(sh);
  if (!m?.[1]) throw new Error("common.sh: the sample server (nohup node -e '...') is not found");
  return m[1];
}

/** Starts the sample server on each node, outside keel, and waits until each answers locally. */
export async function startSampleServers(lab: Lab, nodes: readonly string[]): Promise<void> {
  const program = sampleServerProgram();
  for (const node of nodes) {
    await lab.spawn(node, ['node', '-e', program], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: String(FARM_PORT) },
      logFile: join(lab.plan.runDir, `${node}-server.log`),
    });
  }
  for (const node of nodes) {
    const r = await lab.probeTcp(node, '127.0.0.1', FARM_PORT, { timeoutMs: 10_000, retry: true });
    if (!r.connected)
      throw new Error(`${node}: the sample server does not listen on ${FARM_PORT}: ${r.error}`);
  }
}

/**
 * The host's TCP passive opens (connections its kernel accepted), from its own network
 * namespace's counters. keel's own connections (its bus on loopback) are long-lived: they add
 * nothing during a run.
 */
async function passiveOpens(lab: Lab, host: string): Promise<number> {
  const r = await lab.exec(host, ['cat', '/proc/net/snmp'], { check: true });
  const tcp = r.stdout.split('\n').filter((l) => l.startsWith('Tcp:'));
  const names = (tcp[0] ?? '').trim().split(/\s+/);
  const values = (tcp[1] ?? '').trim().split(/\s+/);
  const i = names.indexOf('PassiveOpens');
  if (i < 0) throw new Error(`${host}: no Tcp PassiveOpens in /proc/net/snmp`);
  return Number(values[i]);
}

function wrkNumber(out: string, re: RegExp): number {
  const m = re.exec(out);
  return m ? Number(m[1]) : 0;
}

function cpuTimes(): { idle: number; total: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { idle: (f[3] ?? 0) + (f[4] ?? 0), total: f.reduce((s, n) => s + n, 0) };
}

/**
 * Waits (at most 30 s) for a second in which the machine's cores are mostly idle. A destroyed
 * lab's namespaces are torn down by the kernel after destroy() returns (tens of thousands of
 * sockets of the last load), which would slow whichever case runs next.
 */
export async function settle(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, 1_000));
    const b = cpuTimes();
    if ((b.idle - a.idle) / Math.max(1, b.total - a.total) >= 0.8) return;
  }
}

/** wrk -t2 -c64 -d<seconds>s against `url` from `client`, and the split over `nodes`. */
export async function wrk(
  lab: Lab,
  wrkPath: string,
  client: string,
  url: string,
  seconds: number,
  nodes: readonly string[],
): Promise<Load> {
  await settle();
  const before = await Promise.all(nodes.map((n) => passiveOpens(lab, n)));
  const argv = [wrkPath, `-t${WRK_THREADS}`, `-c${WRK_CONNECTIONS}`, `-d${seconds}s`, url];
  const r = await lab.exec(client, argv, { timeoutMs: (seconds + 30) * 1000 });
  if (r.code !== 0) throw new Error(`${client}: ${argv.join(' ')} failed (${r.code}): ${r.stderr}`);
  const after = await Promise.all(nodes.map((n) => passiveOpens(lab, n)));
  const out = r.stdout;
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    reqPerSec: Math.round(wrkNumber(out, /Requests\/sec:\s+([\d.]+)/)),
    requests: wrkNumber(out, /(\d+) requests in/),
    errors:
      (errors ? errors.slice(1).reduce((s, n) => s + Number(n), 0) : 0) +
      wrkNumber(out, /Non-2xx or 3xx responses: (\d+)/),
    byNode: Object.fromEntries(nodes.map((n, i) => [n, (after[i] as number) - (before[i] as number)])),
  };
}

/** The largest distance of a node's share from the fair share, in percent of the fair share. */
export function unfairnessPct(byNode: Readonly<Record<string, number>>): number {
  const counts = Object.values(byNode);
  const total = counts.reduce((s, n) => s + n, 0);
  if (counts.length === 0 || total === 0) return 100;
  const fair = total / counts.length;
  return Math.round((Math.max(...counts.map((n) => Math.abs(n - fair))) / fair) * 1000) / 10;
}
