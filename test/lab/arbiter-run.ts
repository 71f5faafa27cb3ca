// The lease arbiter's randomized run (issue 12, Done when 3; docs/decisions/0019): on a cluster
// whose primary holds the witness's lease, round after round one fault drawn from the seed — one
// heartbeat LAN cut, both cut, an arbiter link cut (the primary's, the secondary's or the
// witness's), the primary frozen — lasts a drawn time, is healed, and the pair must settle again
// as PRIM + SECOND (Ready). Meanwhile test/fixtures/faults/lease-io.js writes acknowledged records
// and probes writes on both nodes at once. At the end: at no sampled instant did both nodes accept
// a write, and every acknowledged record is intact on the primary and on the secondary.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabProcess } from '../../tools/lab/src';
import { ARBITER_LAN, leaseHolder, WITNESS } from './arbiter-cluster';
import { overlapping, stretches } from './arbiter-samples';
import {
  DATA_DIR,
  KEEL_SERVICES,
  NODES,
  ROOT,
  serviceLog,
  type KeelCluster,
  type Node,
} from './keel-cluster';
import { seededRandom, sleep, until } from './run-support';

const LEASE_IO = join(ROOT, 'test/fixtures/faults/lease-io.js');
const FILE = join(DATA_DIR, 'records');
const ARTIFACTS = process.env.KEEL_FAULT_ARTIFACTS ?? join(tmpdir(), 'keel-fault-artifacts');
const DUMP_LOGS = `for f in $(find /var/lib/keel -type f -name '*log*' | sort); do echo "=== $f"; cat "$f"; done`;

export const FAULT_KINDS = ['one-lan', 'both-lans', 'arbiter-link', 'frozen-primary'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Round {
  readonly n: number;
  readonly kind: FaultKind;
  /** What exactly was cut or frozen. */
  readonly target: string;
  readonly lastsMs: number;
  readonly primaryBefore: Node;
  readonly primaryAfter: Node;
  /** From the fault to PRIM + SECOND (Ready) again. */
  readonly settledMs: number;
}

export interface RunResult {
  readonly rounds: readonly Round[];
  readonly acked: number;
  readonly samples: number;
  readonly ms: number;
}

export async function randomPartitions(c: KeelCluster, count: number, seed: number): Promise<RunResult> {
  const started = Date.now();
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const logOf = (node: Node, what: string) => join(c.lab.plan.runDir, `${node}-${what}.log`);
  const running: LabProcess[] = [];
  const rounds: Round[] = [];
  try {
    for (const node of NODES) {
      running.push(
        await c.lab.spawn(node, ['node', LEASE_IO, 'write', FILE, node], { logFile: logOf(node, 'writer') }),
      );
      running.push(
        await c.lab.spawn(node, ['node', LEASE_IO, 'probe', DATA_DIR], { logFile: logOf(node, 'probe') }),
      );
    }
    await until(() => acks(logOf('node1', 'writer')).length >= 20, 30_000, 'node1 acknowledged 20 records');

    let primary = await settled(c);
    for (let n = 1; n <= count; n++) {
      const secondary = primary === 'node1' ? 'node2' : 'node1';
      const kind = pick(FAULT_KINDS);
      // One both-LAN cut in four outlasts the primary's hold (16.2 s after the link's 5 s timeout):
      // the primary acknowledges records alone, which the secondary must get back at the heal.
      const long = kind === 'both-lans' && random() < 0.25;
      const lastsMs = long ? between(22_000, 26_000) : between(2_000, 7_000);
      const fault = await inject(c, kind, primary, secondary, pick, long);
      const at = Date.now();
      await sleep(lastsMs);
      await fault.heal();
      const after = await settled(c);
      const holder = await leaseHolder(c);
      if (holder !== after)
        throw new Error(`round ${n}: ${after} is primary but the lease is ${holder ?? 'free'}`);
      rounds.push({
        n,
        kind,
        target: fault.target,
        lastsMs,
        primaryBefore: primary,
        primaryAfter: after,
        settledMs: Date.now() - at,
      });
      primary = after;
    }
    // The last writes acknowledged on the primary reach the secondary, then everything stops.
    await sleep(1_000);
    for (const p of running) p.kill('SIGKILL');
    await Promise.all(running.map((p) => within(p.exited, 5_000)));

    const acked = NODES.flatMap((node) => acks(logOf(node, 'writer')));
    const accepting = NODES.map((node) =>
      stretches(acceptedAt([...probeOks(logOf(node, 'probe')), ...acked.filter((a) => a.node === node)])),
    );
    const overlaps = overlapping(accepting[0] ?? [], accepting[1] ?? []);
    if (overlaps.length > 0)
      throw new Error(
        `both nodes accepted writes at the same sampled instants (monotonic ms): ${JSON.stringify(overlaps.slice(0, 5))}`,
      );
    for (const node of NODES) await checkRecords(c, node, acked);
    if (process.env.KEEL_ARBITER_KEEP_LOGS) await keepLogs(c, `arbiter-${seed}`);
    return {
      rounds,
      acked: acked.length,
      samples: accepting.reduce((n, s) => n + s.samples, 0),
      ms: Date.now() - started,
    };
  } catch (e) {
    const kept = await keepLogs(c, `arbiter-${seed}`);
    const done = rounds
      .map((r) => `${r.n}:${r.kind}(${r.target},${r.lastsMs}ms)->${r.primaryAfter}`)
      .join(' ');
    throw new Error(`seed ${seed}, after rounds [${done}] (logs in ${kept}): ${(e as Error).message}`);
  } finally {
    for (const p of running) p.kill('SIGKILL');
  }
}

async function inject(
  c: KeelCluster,
  kind: FaultKind,
  primary: Node,
  secondary: Node,
  pick: <T>(items: readonly T[]) => T,
  long: boolean,
): Promise<{ target: string; heal: () => Promise<void> }> {
  switch (kind) {
    case 'one-lan': {
      const lan = pick(['default', 'private'] as const);
      await c.lab.partition(lan);
      return { target: lan, heal: () => c.lab.heal(lan) };
    }
    case 'both-lans': {
      // Every cable of both LANs, or (long cuts, half the others) the two nodes kept apart on
      // switches that still give them a carrier: only heartbeats and replication are cut, and no
      // interface checker or VIP on a dead link stops the primary meanwhile.
      const groups = long || pick([false, true]) ? [[primary], [secondary]] : undefined;
      await c.lab.partition('default', groups);
      await c.lab.partition('private', groups);
      return {
        target: `default+private${groups ? ' (split)' : ''}`,
        heal: async () => {
          await c.lab.heal('default');
          await c.lab.heal('private');
        },
      };
    }
    case 'arbiter-link': {
      const host = pick([primary, secondary, WITNESS]);
      await c.lab.linkDown(host, ARBITER_LAN);
      return { target: host, heal: () => c.lab.linkUp(host, ARBITER_LAN) };
    }
    case 'frozen-primary':
      c.lab.freeze(primary);
      return {
        target: primary,
        heal: async () => {
          c.lab.thaw(primary);
        },
      };
  }
}

/** Waits until one node is PRIM (Ready) and the other SECOND (Ready); returns the primary. */
async function settled(c: KeelCluster): Promise<Node> {
  let states: string[] = [];
  for (const limit = Date.now() + 120_000; Date.now() < limit; await sleep(500)) {
    states = [await c.state('node1'), await c.state('node2')];
    if (states[0] === 'PRIM (Ready)' && states[1] === 'SECOND (Ready)') return 'node1';
    if (states[1] === 'PRIM (Ready)' && states[0] === 'SECOND (Ready)') return 'node2';
  }
  throw new Error(`the pair did not settle as PRIM + SECOND (Ready): node1 ${states[0]}, node2 ${states[1]}`);
}

/** A write that succeeded: monotonic ms when its call returned, and when it began. */
interface Sample {
  readonly at: number;
  readonly began: number;
}

interface Ack extends Sample {
  readonly node: Node;
  readonly seq: number;
}

function acks(file: string): Ack[] {
  return readIfAny(file)
    .split('\n')
    .flatMap((line) => {
      const m = /^ack (\S+) (\d+) (\d+) (\d+)$/.exec(line);
      return m
        ? [{ node: m[1] as Node, seq: Number(m[2]), at: ms(m[3] as string), began: ms(m[4] as string) }]
        : [];
    });
}

function probeOks(file: string): Sample[] {
  return readIfAny(file)
    .split('\n')
    .flatMap((line) => {
      const m = /^ok (\d+) (\d+)$/.exec(line);
      return m ? [{ at: ms(m[1] as string), began: ms(m[2] as string) }] : [];
    });
}

/**
 * When a write was accepted, as far as its sample tells: the moment its call returned, if it
 * returned promptly. A call that took longer (its process frozen with its node, say, between the
 * daemon's answer and the clock's reading) says only that it was accepted some time in between:
 * such a sample is left out of the overlap check rather than placed at its late end, where a
 * write accepted before a freeze would seem accepted after it. A node accepting writes beside
 * another still shows in its prompt samples, ~70 a second.
 */
const PROMPT_MS = 200;
function acceptedAt(samples: readonly Sample[]): number[] {
  return samples.filter((s) => s.at - s.began <= PROMPT_MS).map((s) => s.at);
}

/** Every acknowledged record is intact on `node`, and no line there is damaged. */
async function checkRecords(c: KeelCluster, node: Node, acked: readonly Ack[]): Promise<void> {
  const r = await c.lab.exec(node, ['node', LEASE_IO, 'scan', FILE], { timeoutMs: 60_000, check: true });
  const { intact, damaged } = JSON.parse(r.stdout) as { intact: string[]; damaged: number };
  const present = new Set(intact);
  const missing = acked.filter((a) => !present.has(`${a.node} ${a.seq}`));
  if (missing.length > 0)
    throw new Error(
      `${node} lacks ${missing.length} of ${acked.length} acknowledged records, e.g. ${missing
        .slice(0, 5)
        .map((a) => `${a.node} ${a.seq}`)
        .join(', ')}`,
    );
  if (damaged > 0) throw new Error(`${node}: ${damaged} damaged line(s) in ${FILE}`);
}

/** A failed run's evidence, kept after its lab is gone. */
async function keepLogs(c: KeelCluster, run: string): Promise<string> {
  const dir = join(ARTIFACTS, run);
  mkdirSync(dir, { recursive: true });
  for (const node of NODES) {
    for (const what of ['writer', 'probe']) {
      const file = join(c.lab.plan.runDir, `${node}-${what}.log`);
      if (existsSync(file)) copyFileSync(file, join(dir, `${node}-${what}.log`));
    }
    for (const service of KEEL_SERVICES) {
      const log = serviceLog(c.lab, node, service);
      if (existsSync(log)) copyFileSync(log, join(dir, `${node}-${service}.log`));
    }
    // Every log keel keeps on the node (the module log and its rotations), whatever state it is in.
    const logs = await c.lab.exec(node, ['sh', '-c', DUMP_LOGS], { timeoutMs: 30_000 });
    writeFileSync(join(dir, `${node}-keel.logs`), logs.stdout + logs.stderr);
  }
  return dir;
}

const ms = (ns: string) => Number(BigInt(ns) / 1_000n) / 1_000;

function readIfAny(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `p`, or nothing after `ms`; the timer does not outlive it. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
