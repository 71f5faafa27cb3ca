// The farm bench's repetitions (P7, P8): keel's farm lab, then the anchors' lab, alternately in one
// run; the report into docs/bench/farm.{md,json}.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureProgram, packageVersion } from './anchors';
import { farmAnchors, HAPROXY_MAXCONN } from './farm-anchors';
import { FARM_PULSE_MS, keelFarm, MLOST_COUNT, P8_MARGIN_MS, SLOST_COUNT, type KeelFarmRun } from './farm';
import type { Load } from './farm-load';
import { farmReport } from './farm-report';
import { machine } from './machine';

/** wrk's measured run and its warm-up, in seconds (short: the harness check). */
const LOAD_S = { full: 10, short: 3 };
const WARMUP_S = { full: 2, short: 1 };

const line = (l: Load) =>
  `${l.reqPerSec} req/s (${Object.values(l.byNode).join('/')}${l.errors ? `, ${l.errors} errors` : ''})`;

export async function farmBench(o: {
  runs: number;
  short: boolean;
  out: string;
  command: string;
}): Promise<void> {
  const tools = { wrk: ensureProgram('wrk', 'wrk'), haproxy: ensureProgram('haproxy', 'haproxy') };
  const seconds = o.short ? LOAD_S.short : LOAD_S.full;
  const warmup = o.short ? WARMUP_S.short : WARMUP_S.full;
  const keel: KeelFarmRun[] = [];
  const handBuilt: Load[] = [];
  const haproxy: Load[] = [];
  for (let i = 1; i <= o.runs; i++) {
    const k = await keelFarm(tools.wrk, seconds, warmup);
    const a = await farmAnchors(tools, seconds, warmup);
    keel.push(k);
    handBuilt.push(a.handBuilt);
    haproxy.push(a.haproxy);
    process.stdout.write(
      `run ${i}/${o.runs} farm: keel ${line(k.load)} (its services ${k.keelCpuPct} % of a core), hand-built ${line(a.handBuilt)}, ` +
        `HAProxy ${line(a.haproxy)}; P8 follower ${k.follower.reservedMs} ms, leader ${k.leader.reservedMs} ms\n`,
    );
  }
  const report = farmReport({
    date: new Date().toISOString(),
    command: o.command,
    machine: machine(),
    runs: o.runs,
    wrkSeconds: seconds,
    wrkVersion: packageVersion('wrk'),
    haproxyVersion: haproxyVersion(tools.haproxy),
    haproxyMaxconn: HAPROXY_MAXCONN,
    pulseMs: FARM_PULSE_MS,
    slostCount: SLOST_COUNT,
    mlostCount: MLOST_COUNT,
    marginMs: P8_MARGIN_MS,
    keel: keel.map((k) => k.load),
    keelCpuPct: keel.map((k) => k.keelCpuPct),
    handBuilt,
    haproxy,
    follower: keel.map((k) => k.follower),
    leader: keel.map((k) => k.leader),
  });
  writeFileSync(join(o.out, 'farm.json'), JSON.stringify(report.json, null, 2) + '\n');
  writeFileSync(join(o.out, 'farm.md'), report.markdown);
  process.stdout.write(`\n${report.markdown}\n`);
}

function haproxyVersion(haproxy: string): string {
  try {
    const out = execFileSync(haproxy, ['-v'], { encoding: 'utf8' });
    return /version (\S+)/.exec(out)?.[1] ?? packageVersion('haproxy');
  } catch {
    return packageVersion('haproxy');
  }
}
