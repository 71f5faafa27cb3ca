// keel's benchmarks against their anchors, in one run (docs/bench/README.md):
//   tools/bench/bin/bench [mirror-failover] [farm] [replication] [--runs N] [--short] [--out docs/bench]
// No bench named: every one. --short: one repetition of each case (and short loads, small sizes),
// report to a temporary directory: checks the harness runs. Needs root (namespace labs, FUSE), a
// build (npm run build, node tools/dev/build-native.mjs); installs its anchors (keepalived, wrk,
// haproxy, fio, mergerfs, rsync) from Debian's packages if they are missing. The replication
// bench's sizes and scratch directory: --tree-size, --tree-files, --seq-size, --rand-size,
// --rand-seconds, --small-files, --scratch (replication-params.ts).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureProgram, packageVersion } from './anchors';
import { farmBench } from './farm-bench';
import {
  applicationStartMs,
  FAILOVER_CASES,
  keelFailover,
  keepalivedFailover,
  MASTER_DOWN_MS,
  PULSE_MS,
  type Measure,
} from './mirror-failover';
import { replicationBench } from './replication';
import { replicationParams } from './replication-params';
import { mirrorFailoverReport } from './report';

const BENCHES = ['mirror-failover', 'farm', 'replication'] as const;

async function main(): Promise<number> {
  const { values: o, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      short: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' },
      scratch: { type: 'string' },
      'tree-size': { type: 'string' },
      'tree-files': { type: 'string' },
      'seq-size': { type: 'string' },
      'rand-size': { type: 'string' },
      'rand-seconds': { type: 'string' },
      'small-files': { type: 'string' },
    },
  });
  if (o.help) {
    process.stdout.write(
      `usage: bench [${BENCHES.join('|')} ...] [--runs N (default 5)] [--short] [--out DIR (default docs/bench)]\n` +
        '  replication: [--tree-size 2g] [--tree-files 10000] [--seq-size 1g] [--rand-size 256m] [--rand-seconds 15]\n' +
        '               [--small-files 2000] [--scratch /var/tmp/keel-bench] (--short: 50 MB in 500 files, 64m, 16m, 3 s, 200)\n',
    );
    return 0;
  }
  const unknown = positionals.filter((p) => !(BENCHES as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw new Error(`unknown bench ${unknown.join(', ')}; benches: ${BENCHES.join(', ')}`);
  const selected = positionals.length === 0 ? BENCHES : BENCHES.filter((b) => positionals.includes(b));
  const runs = o.short ? 1 : Number(o.runs ?? 5);
  // Checked before any bench starts: a bad size fails at once, not after the others ran.
  const params = replicationParams(o, o.short === true);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, not ${o.runs}`);
  const out =
    o.out ??
    (o.short ? mkdtempSync(join(tmpdir(), 'keel-bench-')) : resolve(__dirname, '../../../docs/bench'));
  mkdirSync(out, { recursive: true });
  const command = ['tools/bench/bin/bench', ...process.argv.slice(2)].join(' ');
  if (selected.includes('mirror-failover')) await mirrorFailoverBench(runs, out);
  if (selected.includes('farm')) await farmBench({ runs, short: o.short === true, out, command });
  if (selected.includes('replication'))
    await replicationBench({ runs, params, scratchBase: o.scratch ?? '/var/tmp/keel-bench', out, command });
  process.stdout.write(`written to ${out}\n`);
  return 0;
}

async function mirrorFailoverBench(runs: number, out: string): Promise<void> {
  const keepalived = ensureProgram('keepalived', 'keepalived');

  const keel: Record<string, Measure[]> = {};
  const anchor: Record<string, Measure[]> = {};
  for (let i = 1; i <= runs; i++) {
    for (const c of FAILOVER_CASES) {
      const k = await keelFailover(c);
      const a = await keepalivedFailover(c, keepalived);
      (keel[c] ??= []).push(k);
      (anchor[c] ??= []).push(a);
      process.stdout.write(
        `run ${i}/${runs} ${c}: keel ${k.outageMs} ms, keepalived ${a.outageMs} ms${a.twoHolders ? ' (two holders)' : ''}\n`,
      );
    }
  }
  const report = mirrorFailoverReport({
    date: new Date().toISOString(),
    runs,
    pulseMs: PULSE_MS,
    timeoutMs: MASTER_DOWN_MS,
    appStartMs: await applicationStartMs(),
    keepalivedVersion: packageVersion('keepalived'),
    keel,
    anchor,
  });
  writeFileSync(join(out, 'mirror-failover.json'), JSON.stringify(report.json, null, 2) + '\n');
  writeFileSync(join(out, 'mirror-failover.md'), report.markdown);
  process.stdout.write(`\n${report.markdown}\n`);
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
