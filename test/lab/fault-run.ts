// The fault matrix of issue 8 (docs/decisions/0014-fault-matrix.md): one fault, run on a fresh
// two-node cluster as often as KEEL_FAULT_RUNS says (1 in CI; `tools/faults/run` runs 20), while
// test/fixtures/faults/records.js appends fsync'd, checksummed records to node1's replicated
// directory and reports each acknowledged one outside it. Every run ends on one node that is
// primary, and every record the writer saw acknowledged must be intact there, in order.
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabProcess } from '../../tools/lab/src';
import { describeLab } from './helpers';
import { DATA_DIR, KEEL_SERVICES, KeelCluster, NODES, ROOT, serviceLog, type Node } from './keel-cluster';
import { seededRandom, sleep, until } from './run-support';

const RECORDS = join(ROOT, 'test/fixtures/faults/records.js');
const FILE = join(DATA_DIR, 'records');
/** Where a failed run leaves its logs (KEEL_FAULT_ARTIFACTS, else under the system's tmp). */
const ARTIFACTS = process.env.KEEL_FAULT_ARTIFACTS ?? join(tmpdir(), 'keel-fault-artifacts');
const DUMP_LOGS = `for f in $(find /var/lib/keel -type f -name '*log*' | sort); do echo "=== $f"; cat "$f"; done`;

export interface Fault {
  /** Before the module starts (node1 PRIM, node2 SECOND come after). */
  prepare?(c: KeelCluster): Promise<void>;
  /** The fault, while the writer runs on node1, the primary. */
  inject(c: KeelCluster): Promise<void>;
  /** Ends the fault; absent when node1's keel is gone with it. */
  heal?(c: KeelCluster): Promise<void>;
  /** How long the fault lasts before the heal (or before node2 is judged), drawn per run. */
  readonly lastsMs: readonly [number, number];
  /**
   * What decides the run once the fault is healed: `power-off` cuts node1's power at a random
   * moment, so node2 must take over with every acknowledged record or refuse to; `heal` lets
   * both nodes run, and the former primary must lead (both-LAN isolation).
   */
  readonly then: 'power-off' | 'heal' | 'nothing';
  /** Half the runs cut the power while the fault still holds (before its heal). */
  readonly cutDuringFault?: boolean;
}

/** One run's result, as `tools/faults/run` tallies it. */
export interface RunReport {
  readonly fault: string;
  readonly run: number;
  readonly seed: number;
  readonly lastsMs: number;
  readonly acked: number;
  readonly outcome: 'took-over' | 'waited' | 'former-primary-led' | 'primary-kept';
  readonly primary: Node;
  readonly intact: number;
  readonly ms: number;
}

export function faultMatrix(name: string, fault: Fault): void {
  const runs = Number(process.env.KEEL_FAULT_RUNS ?? '1');
  describeLab(`fault matrix: ${name}`, () => {
    for (let run = 1; run <= runs; run++) {
      const seed = Number(process.env.KEEL_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31)) + run - 1;
      test(`run ${run}/${runs} (seed ${seed}): no acknowledged record is lost`, async () => {
        const report = await oneRun(name, fault, run, seed);
        if (process.env.KEEL_FAULT_REPORT)
          appendFileSync(process.env.KEEL_FAULT_REPORT, `${JSON.stringify(report)}\n`);
      }, 240_000);
    }
  });
}

async function oneRun(name: string, fault: Fault, run: number, seed: number): Promise<RunReport> {
  const started = Date.now();
  const random = seededRandom(seed);
  const between = ([lo, hi]: readonly [number, number]) => Math.round(lo + random() * (hi - lo));
  const dir = mkdtempSync(join(tmpdir(), 'keel-fault-'));
  const acks = join(dir, 'acks');
  const c = await KeelCluster.create(name.replace(/[^a-z]/g, '').slice(0, 6));
  let lastsMs = 0;
  try {
    await fault.prepare?.(c);
    await c.primSecond();
    const writer = await c.lab.spawn('node1', ['node', RECORDS, 'write', FILE], { logFile: acks });
    await until(() => acked(acks) >= 100, 20_000, 'the writer acknowledged 100 records');

    lastsMs = between(fault.lastsMs);
    const cutFirst = fault.cutDuringFault === true && random() < 0.5;
    await fault.inject(c);
    await sleep(lastsMs);
    if (!cutFirst) await fault.heal?.(c);

    let outcome: RunReport['outcome'];
    let primary: Node;
    if (fault.then === 'heal') {
      await c.waitState('node1', 'PRIM', 60);
      await c.waitState('node2', 'SECOND', 60);
      [outcome, primary] = ['former-primary-led', 'node1'];
    } else {
      if (fault.then === 'power-off') {
        await sleep(between([0, 4_000]));
        await c.lab.crash('node1');
      }
      [outcome, primary] = await decision(c);
    }
    await stop(writer);
    const seen = acked(acks);
    const intact = await checkRecords(c, primary, seen);
    // A SECOND (Ready) at the end holds them all too: synchronised, then every change applied
    // there before it returned.
    if (fault.then === 'heal') await checkRecords(c, 'node2', seen);
    return {
      fault: name,
      run,
      seed,
      lastsMs,
      acked: seen,
      outcome,
      primary,
      intact,
      ms: Date.now() - started,
    };
  } catch (e) {
    const tail = readIfAny(acks).split('\n').slice(-3).join(' | ');
    const kept = await keepLogs(c, `${name.replace(/ /g, '-')}-${seed}`, acks);
    throw new Error(
      `${name}, run ${run}, seed ${seed}, fault lasting ${lastsMs} ms (writer: ${tail}; logs in ${kept}): ${(e as Error).message}`,
    );
  } finally {
    await c.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A failed run's evidence, kept after its lab is gone: both nodes' module logs and keel services'
 * logs, and the writer's acknowledgments.
 */
async function keepLogs(c: KeelCluster, run: string, acks: string): Promise<string> {
  const dir = join(ARTIFACTS, run);
  mkdirSync(dir, { recursive: true });
  copyFileSync(acks, join(dir, 'acks'));
  for (const node of NODES) {
    const logs = await c.lab.exec(node, ['sh', '-c', DUMP_LOGS], { timeoutMs: 30_000 });
    writeFileSync(join(dir, `${node}.logs`), logs.stdout + logs.stderr);
    for (const service of KEEL_SERVICES) {
      const log = serviceLog(c.lab, node, service);
      if (existsSync(log)) copyFileSync(log, join(dir, `${node}-${service}.log`));
    }
  }
  return dir;
}

/**
 * Who is primary once node1 is gone (or still there): node2 takes over (ALONE), or it refuses to
 * as not up to date and node1, started again, leads. A node that neither serves nor waits within
 * the bound fails the run.
 */
async function decision(c: KeelCluster): Promise<[RunReport['outcome'], Node]> {
  const node1Up = (await c.keel('node1', 'state')).code === 0;
  if (node1Up && /^(PRIM|ALONE) \(Ready\)/.test(await c.state('node1'))) return ['primary-kept', 'node1'];
  // node1 is down: node2 decides within its heartbeat timeout and scripts, then holds that.
  let settledSince = 0;
  for (const limit = Date.now() + 30_000; Date.now() < limit; await sleep(200)) {
    const state = await c.state('node2');
    if (state === 'ALONE (Ready)') return ['took-over', 'node2'];
    if (/^WAIT/.test(state)) settledSince ||= Date.now();
    else settledSince = 0;
    if (settledSince && Date.now() - settledSince > 8_000) break;
  }
  const log = await c.log('node2');
  if (!settledSince) throw new Error(`node2 neither took over nor waits: ${await c.state('node2')}\n${log}`);
  expect(log).toMatch(
    / E Replication: this copy is behind the primary| I Replication lost while the primary runs| E The primary went on alone/,
  );
  expect(log).not.toMatch(/ Local state ALONE/);
  // node1 comes back (a reboot) and leads with its complete copy.
  await c.startServices('node1');
  await c.waitAdmin('node1');
  await c.keel('node1', 'start');
  // ALONE, then PRIM as soon as node2 joins it as SECOND.
  const leads = async () => /^(ALONE|PRIM) \(Ready\)/.test(await c.state('node1'));
  await until(leads, 60_000, 'node1 leads again');
  return ['waited', 'node1'];
}

/** Every acknowledged record is on `node`, intact, in order, before any damaged line. */
async function checkRecords(c: KeelCluster, node: Node, acknowledged: number): Promise<number> {
  const r = await c.lab.exec(node, ['node', RECORDS, 'scan', FILE], { timeoutMs: 60_000, check: true });
  const { intact, damaged, firstDamage } = JSON.parse(r.stdout) as {
    intact: number[];
    damaged: number;
    firstDamage: number | null;
  };
  const prefix = intact.slice(0, acknowledged);
  const wrong = prefix.findIndex((seq, i) => seq !== i + 1);
  if (prefix.length < acknowledged || wrong >= 0) {
    throw new Error(
      `${node} lost acknowledged records: ${acknowledged} acknowledged, ${intact.length} intact, first wrong at ${wrong >= 0 ? wrong + 1 : prefix.length + 1}`,
    );
  }
  if (damaged > 0 && firstDamage !== null && firstDamage < acknowledged)
    throw new Error(`${node}: a damaged line among the acknowledged records (after ${firstDamage})`);
  return intact.length;
}

/** The last record the writer reported acknowledged (its log: `ack <seq>` lines). */
function acked(file: string): number {
  const acks = readIfAny(file).match(/^ack \d+$/gm);
  return acks ? Number(acks[acks.length - 1].slice(4)) : 0;
}

function readIfAny(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function stop(writer: LabProcess): Promise<void> {
  writer.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([writer.exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
  clearTimeout(timer);
}
