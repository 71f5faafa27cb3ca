// The report of the replication bench (pure): P3/P4 for keel beside the local disk and mergerfs,
// P5/P6 for keel beside rsync, medians of the repetitions, ratios of medians, and the bars of
// docs (TARGETS), said plainly where keel misses them.
import type { IoParams, IoRun } from './disk-io';
import type { RsyncRun } from './replication-anchors';
import { ratio, summarize, type Summary } from './stats';
import type { Wire } from './wire';

export interface TreeParams {
  readonly treeBytes: number;
  readonly treeFiles: number;
  /** The share of the files changed for P5 (one 4 KiB block each). */
  readonly changeFraction: number;
}

/** What the secondary's `synced` event says: files and bytes copied, and its own time. */
export interface Synced {
  readonly files: number;
  readonly bytes: number;
  readonly ms: number;
}

export interface KeelTreeRun {
  /** P6: from the secondary's start (an empty copy, --full) to its `synced`, ms. */
  readonly fullMs: number;
  readonly fullWire: Wire;
  readonly fullSynced: Synced;
  /** P5: what changed while the secondary was stopped. */
  readonly changedFiles: number;
  readonly changedBytes: number;
  /** P5: from the secondary's start again to its `synced`, ms. */
  readonly resyncMs: number;
  readonly resyncWire: Wire;
  readonly resyncSynced: Synced;
}

export interface RsyncTreeRun {
  readonly full: RsyncRun;
  readonly fullWire: Wire;
  readonly changedFiles: number;
  readonly changedBytes: number;
  readonly resync: RsyncRun;
  readonly resyncWire: Wire;
}

export interface ReplicationInput {
  readonly date: string;
  readonly command: string;
  readonly machine: string;
  readonly fileSystem: string;
  readonly runs: number;
  readonly versions: { readonly fio: string; readonly mergerfs: string; readonly rsync: string };
  readonly mergerfsOptions: string;
  readonly params: IoParams & TreeParams;
  readonly io: { readonly local: IoRun[]; readonly mergerfs: IoRun[]; readonly keel: IoRun[] };
  readonly tree: { readonly keel: KeelTreeRun[]; readonly rsync: RsyncTreeRun[] };
}

interface Bar {
  readonly what: string;
  readonly here: string;
  readonly met: boolean;
}

const range = (s: Summary, f: (n: number) => string = String) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const megabytes = (b: number) => (b / 1e6).toFixed(2);
const mebibytes = (b: number) => String(Math.round((b / 2 ** 20) * 100) / 100);
const verdict = (met: boolean) => (met ? 'met' : '**missed**');
const r = (x: number | null) => (x === null ? '—' : String(x));
/** A bar on a ratio of medians: keel / anchor against `limit`, at least (`>=`) or at most. */
const bar = (what: string, x: number | null, op: '>=' | '<=', limit: number): Bar => ({
  what,
  here: r(x),
  met: x !== null && (op === '>=' ? x >= limit : x <= limit),
});

export function replicationReport(input: ReplicationInput): { json: unknown; markdown: string } {
  const p = input.params;
  const io = (runs: readonly IoRun[], k: keyof IoRun) => summarize(runs.map((x) => x[k]));
  const kinds = ['seqMiBps', 'randIops', 'smallFilesPerS'] as const;
  const ioTable = Object.fromEntries(
    kinds.map((k) => {
      const keel = io(input.io.keel, k);
      const local = io(input.io.local, k);
      const mergerfs = io(input.io.mergerfs, k);
      return [k, { keel, local, mergerfs, vsLocal: ratio(keel, local), vsMergerfs: ratio(keel, mergerfs) }];
    }),
  ) as Record<
    (typeof kinds)[number],
    { keel: Summary; local: Summary; mergerfs: Summary; vsLocal: number | null; vsMergerfs: number | null }
  >;

  const k = input.tree.keel;
  const a = input.tree.rsync;
  const durable = (x: RsyncRun) => x.rsyncMs + x.syncfsMs;
  const tree = {
    fullMs: summarize(k.map((x) => x.fullMs)),
    rsyncFullMs: summarize(a.map((x) => durable(x.full))),
    rsyncFullAloneMs: summarize(a.map((x) => x.full.rsyncMs)),
    fullWire: summarize(k.map((x) => x.fullWire.bytes)),
    rsyncFullWire: summarize(a.map((x) => x.fullWire.bytes)),
    resyncMs: summarize(k.map((x) => x.resyncMs)),
    rsyncResyncMs: summarize(a.map((x) => durable(x.resync))),
    rsyncResyncAloneMs: summarize(a.map((x) => x.resync.rsyncMs)),
    resyncWire: summarize(k.map((x) => x.resyncWire.bytes)),
    resyncToSecondary: summarize(k.map((x) => x.resyncWire.fromServer.bytes)),
    rsyncResyncWire: summarize(a.map((x) => x.resyncWire.bytes)),
    changedBytes: summarize(k.map((x) => x.changedBytes)),
    resyncCopiedFiles: summarize(k.map((x) => x.resyncSynced.files)),
    resyncCopiedBytes: summarize(k.map((x) => x.resyncSynced.bytes)),
  };
  const fullVsRsync = ratio(tree.fullMs, tree.rsyncFullMs);
  const resyncVsRsync = ratio(tree.resyncMs, tree.rsyncResyncMs);
  const wireVsChanged = ratio(tree.resyncWire, tree.changedBytes);

  const bars: Bar[] = [
    bar('P3: sequential 1 MiB + fsync >= 0.6 x local', ioTable.seqMiBps.vsLocal, '>=', 0.6),
    bar('P3: sequential 1 MiB + fsync >= 0.8 x mergerfs', ioTable.seqMiBps.vsMergerfs, '>=', 0.8),
    bar('P4: 4 KiB random + fsync >= 0.8 x mergerfs', ioTable.randIops.vsMergerfs, '>=', 0.8),
    bar(
      'P4: small files created, written, fsync’d >= 0.8 x mergerfs',
      ioTable.smallFilesPerS.vsMergerfs,
      '>=',
      0.8,
    ),
    bar('P5: bytes on the wire <= 2 x the bytes changed', wireVsChanged, '<=', 2),
    bar('P5: time to be in sync <= rsync', resyncVsRsync, '<=', 1),
    bar('P6: first full sync <= 1.1 x rsync', fullVsRsync, '<=', 1.1),
  ];
  const missed = bars.filter((b) => !b.met);

  const ioRow = (title: string, key: (typeof kinds)[number]) => {
    const t = ioTable[key];
    return `| ${title} | ${range(t.keel)} | ${range(t.local)} | ${range(t.mergerfs)} | ${r(t.vsLocal)} | ${r(t.vsMergerfs)} |`;
  };
  const changedFiles = k[0]?.changedFiles ?? 0;
  const markdown = [
    '# Replication: keel-rfsd against the disk, mergerfs and rsync (P3–P6)',
    '',
    `Run ${input.date} on ${input.machine}: \`${input.command}\`, ${input.runs} repetition(s), keel and its anchors`,
    `in turn in each repetition, all on the same disk: a scratch directory on ${input.fileSystem}. keel: a primary`,
    'and a secondary keel-rfsd (release build) on 127.0.0.1, each on its own directory, the secondary in a mount',
    "namespace of its own (its copy at the primary's path, as on its own node); the application writes through the",
    "primary's mount and each write returns once the secondary acknowledged it. After every keel run both",
    'daemons stop (the secondary says `primary-stopped`: it holds everything acknowledged) and the two trees are',
    'compared: kind, mode, owner, size, content (sha256), link target; a difference fails the bench.',
    '',
    '## P3, P4: writes with fsync',
    '',
    `fio ${input.versions.fio}, \`--ioengine=psync --fsync=1 --fallocate=none\` (as in issue 11's first measurement;`,
    'every target does the same work). P3: a new file, 1 MiB sequential writes,',
    `${mebibytes(p.seqBytes)} MiB. P4: a laid-out file of ${mebibytes(p.randBytes)} MiB, 4 KiB random overwrites for`,
    `${p.randSeconds} s. Small files: ${p.smallFiles} files of ${p.smallFileBytes} bytes, each created, written, fsync'd`,
    'and closed, one after the other (a Node loop, timed around the loop). Targets: keel (the replicated',
    `directory), local (a directory of the same disk), mergerfs ${input.versions.mergerfs} over a directory of the same`,
    `disk (\`-o ${input.mergerfsOptions}\`: its manual's basic setup for software that needs mmap; no replication).`,
    'Median (min–max); ratios of medians, keel / anchor (higher is better for keel).',
    '',
    '| workload | keel | local | mergerfs | keel / local | keel / mergerfs |',
    '| --- | --- | --- | --- | --- | --- |',
    ioRow('P3: sequential 1 MiB + fsync, MiB/s', 'seqMiBps'),
    ioRow('P4: 4 KiB random + fsync, IOPS', 'randIops'),
    ioRow('P4: small files, files/s', 'smallFilesPerS'),
    '',
    '## P5, P6: first sync and resync of a tree',
    '',
    `A tree of ${megabytes(p.treeBytes)} MB in ${p.treeFiles} files (100 per directory, sizes from half to one and a`,
    'half of the mean, random content), made once. P6: the whole tree copied to an empty copy: keel, the secondary',
    'started with `--full` until its `synced` event (which comes after it syncfs()ed its copy); rsync',
    `${input.versions.rsync}, \`rsync -a\` to an rsync daemon on 127.0.0.1, then \`sync -f\` on its destination`,
    '(the same durability). P5: keel, the secondary stopped cleanly, one 4 KiB block overwritten at a random place',
    `in ${changedFiles} files (${Math.round(p.changeFraction * 100)} %) through the primary's mount, the secondary started`,
    'again until `synced`; rsync: the same change in its source, then `rsync -a` again (its quick check and delta',
    'transfer) and `sync -f`. Bytes on the wire: counted by the kernel (an nftables counter on `lo` for the',
    "primary's or the rsync daemon's port, both directions, every connection, IP headers included). Times in",
    's, bytes in MB (10^6), median (min–max); ratio = keel / rsync with its sync (lower is better for keel).',
    '',
    '| measure | keel | rsync + sync -f | rsync alone | ratio | ratio to rsync alone |',
    '| --- | --- | --- | --- | --- | --- |',
    `| P6: first full sync, s | ${range(tree.fullMs, seconds)} | ${range(tree.rsyncFullMs, seconds)} | ${range(tree.rsyncFullAloneMs, seconds)} | ${r(fullVsRsync)} | ${r(ratio(tree.fullMs, tree.rsyncFullAloneMs))} |`,
    `| P6: bytes on the wire, MB | ${range(tree.fullWire, megabytes)} | ${range(tree.rsyncFullWire, megabytes)} | | ${r(ratio(tree.fullWire, tree.rsyncFullWire))} | |`,
    `| P5: resync, s | ${range(tree.resyncMs, seconds)} | ${range(tree.rsyncResyncMs, seconds)} | ${range(tree.rsyncResyncAloneMs, seconds)} | ${r(resyncVsRsync)} | ${r(ratio(tree.resyncMs, tree.rsyncResyncAloneMs))} |`,
    `| P5: bytes on the wire, MB | ${range(tree.resyncWire, megabytes)} | ${range(tree.rsyncResyncWire, megabytes)} | | ${r(ratio(tree.resyncWire, tree.rsyncResyncWire))} | |`,
    '',
    `P5 changed ${megabytes(tree.changedBytes.median)} MB; keel's wire bytes are ${r(wireVsChanged)} x that (primary to`,
    `secondary alone: ${range(tree.resyncToSecondary, megabytes)} MB). keel's secondary reported copying`,
    `${range(tree.resyncCopiedFiles)} files, ${range(tree.resyncCopiedBytes, megabytes)} MB.`,
    '',
    '## Bars',
    '',
    '| bar | here | |',
    '| --- | --- | --- |',
    ...bars.map((b) => `| ${b.what} | ${b.here} | ${verdict(b.met)} |`),
    '',
    missed.length === 0
      ? 'keel meets every bar in this run.'
      : `keel is behind where the table says **missed**: ${missed.map((b) => b.what).join('; ')}. Why, and what` +
        ' would close it: docs/decisions/0009-replication.md.',
    '',
    'Produced by `tools/bench/bin/bench replication` (docs/bench/README.md); the raw numbers are in replication.json.',
    '',
  ].join('\n');
  return { json: { ...input, io: { ...input.io, summary: ioTable }, treeSummary: tree, bars }, markdown };
}
