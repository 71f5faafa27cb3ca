// The replication bench's pure parts: its sizes from the command line, the tree's shape and the
// files a repetition changes, the comparison that verifies a copy, and the report's ratios and bars.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL, parseSize, replicationParams } from '../tools/bench/src/replication-params';
import {
  replicationReport,
  type KeelTreeRun,
  type RsyncTreeRun,
} from '../tools/bench/src/replication-report';
import { filesToChange, treeDifference, treeSizes } from '../tools/bench/src/tree';
import type { Wire } from '../tools/bench/src/wire';

test('sizes: binary units, the defaults of the issue, bad input named', () => {
  expect(parseSize('2g', '--tree-size')).toBe(2 * 2 ** 30);
  expect(parseSize('50M', '--tree-size')).toBe(50 * 2 ** 20);
  expect(parseSize('4096', '--rand-size')).toBe(4096);
  expect(() => parseSize('lots', '--tree-size')).toThrow(
    "--tree-size must be a size such as 2g, 50m or 4096, not 'lots'",
  );
  expect(replicationParams({}, false)).toEqual(FULL);
  expect(FULL).toMatchObject({ treeBytes: 2 * 2 ** 30, treeFiles: 10_000, changeFraction: 0.01 });
  expect(replicationParams({ 'tree-size': '100m', 'tree-files': '1000' }, false)).toMatchObject({
    treeBytes: 100 * 2 ** 20,
    treeFiles: 1000,
  });
  expect(() => replicationParams({ 'tree-size': '1m', 'tree-files': '1000' }, false)).toThrow(
    'average at least 8 KiB',
  );
  expect(() => replicationParams({ 'small-files': '0' }, false)).toThrow(
    '--small-files must be a positive integer',
  );
});

test('the tree sums to its size, every file holds a block; 1 % of the files change, shifted per repetition', () => {
  const sizes = treeSizes(50_000_000, 500);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(50_000_000);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(4096);
  expect(filesToChange(10_000, 0.01, 1)).toHaveLength(100);
  expect(filesToChange(10_000, 0.01, 1).slice(0, 3)).toEqual([1, 101, 201]);
  expect(filesToChange(10_000, 0.01, 2)[0]).toBe(2);
});

test('a copy differs when a byte, a mode, a link target or a path differs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bench-tree-'));
  try {
    const make = (d: string) => {
      mkdirSync(join(root, d, 'sub'), { recursive: true });
      writeFileSync(join(root, d, 'sub', 'f'), 'content');
      symlinkSync('sub/f', join(root, d, 'l'));
    };
    make('a');
    make('b');
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    expect(await treeDifference(a, b)).toBeNull();
    writeFileSync(join(b, 'sub', 'f'), 'contenT');
    expect(await treeDifference(a, b)).toMatch(/^sub\/f: data /);
    writeFileSync(join(b, 'sub', 'f'), 'content');
    chmodSync(join(b, 'sub', 'f'), 0o600);
    expect(await treeDifference(a, b)).toMatch(/^sub\/f: mode 420 .* 384 /);
    chmodSync(join(b, 'sub', 'f'), 0o644);
    rmSync(join(b, 'l'));
    symlinkSync('sub/g', join(b, 'l'));
    expect(await treeDifference(a, b)).toMatch(/^l: data sub\/f /);
    rmSync(join(b, 'l'));
    expect(await treeDifference(a, b)).toMatch(/^l is in .*, not in /);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const wire = (to: number, from: number): Wire => ({
  toServer: { packets: 1, bytes: to },
  fromServer: { packets: 1, bytes: from },
  bytes: to + from,
});

test('the report gives medians, ratios of medians and each bar, and says which are missed', () => {
  const io = (seqMiBps: number, randIops: number, smallFilesPerS: number) => ({
    seqMiBps,
    randIops,
    smallFilesPerS,
  });
  const keelTree = (fullMs: number, resyncMs: number, resyncBytes: number): KeelTreeRun => ({
    fullMs,
    fullWire: wire(1000, 2_000_000_000),
    fullSynced: { files: 10_000, bytes: 2_000_000_000, ms: fullMs - 50 },
    changedFiles: 100,
    changedBytes: 409_600,
    resyncMs,
    resyncWire: wire(1000, resyncBytes),
    resyncSynced: { files: 100, bytes: resyncBytes, ms: resyncMs - 50 },
  });
  const rsyncTree = (fullMs: number, resyncMs: number): RsyncTreeRun => ({
    full: { rsyncMs: fullMs, syncfsMs: 100, statsSent: 0, statsReceived: 0 },
    fullWire: wire(2_000_000_000, 1000),
    changedFiles: 100,
    changedBytes: 409_600,
    resync: { rsyncMs: resyncMs, syncfsMs: 10, statsSent: 0, statsReceived: 0 },
    resyncWire: wire(700_000, 100_000),
  });
  const { json, markdown } = replicationReport({
    date: '2026-12-07T00:00:00.000Z',
    command: 'tools/bench/bin/bench replication --runs 3',
    machine: '2 x CPU',
    fileSystem: 'ext4 (/dev/vda)',
    runs: 3,
    versions: { fio: '3.33', mergerfs: '2.33.5', rsync: '3.2.7' },
    mergerfsOptions: 'allow_other',
    params: FULL,
    io: {
      keel: [io(300, 3000, 500), io(320, 3200, 520), io(310, 3100, 510)],
      local: [io(400, 8000, 900), io(420, 8200, 950), io(410, 8100, 920)],
      mergerfs: [io(380, 3900, 600), io(390, 4000, 610), io(385, 3950, 605)],
    },
    tree: {
      keel: [keelTree(4000, 300, 500_000), keelTree(4200, 320, 600_000), keelTree(4100, 310, 700_000)],
      rsync: [rsyncTree(3900, 250), rsyncTree(4000, 260), rsyncTree(3950, 255)],
    },
  });
  const bars = (json as { bars: { what: string; here: string; met: boolean }[] }).bars;
  expect(bars.map((b) => [b.here, b.met])).toEqual([
    ['0.76', true], // 310 / 410
    ['0.81', true], // 310 / 385
    ['0.78', false], // 3100 / 3950
    ['0.84', true], // 510 / 605
    ['1.47', true], // (1000 + 600 000) / 409 600
    ['1.17', false], // 310 / (255 + 10)
    ['1.01', true], // 4100 / (3950 + 100)
  ]);
  expect(markdown).toContain(
    '| P3: sequential 1 MiB + fsync, MiB/s | 310 (300–320) | 410 (400–420) | 385 (380–390) | 0.76 | 0.81 |',
  );
  expect(markdown).toContain(
    '| P5: resync, s | 0.31 (0.30–0.32) | 0.27 (0.26–0.27) | 0.26 (0.25–0.26) | 1.17 | 1.22 |',
  );
  expect(markdown).toContain(
    'keel is behind where the table says **missed**: P4: 4 KiB random + fsync >= 0.8 x mergerfs; P5: time to be in sync <= rsync.',
  );
});
