// The replication bench (P3-P6 of docs TARGETS, issue 11): in each repetition, P3/P4 on the local
// disk, on mergerfs and on keel's replicated directory; then P6/P5 for keel and for rsync on the
// same tree. Everything lives in one scratch directory on the disk, removed at the end whatever
// happens (daemons stopped, mounts detached, the nftables counters deleted). The report goes to
// docs/bench/replication.{md,json}.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from '../../lab/src/system';
import { ensureProgram, packageVersion } from './anchors';
import { ioRun, type IoRun } from './disk-io';
import { machine } from './machine';
import { MERGERFS_OPTIONS, mountMergerfs, rsyncTo, startRsyncd, type Rsyncd } from './replication-anchors';
import type { ReplicationParams } from './replication-params';
import { replicationReport, type KeelTreeRun, type RsyncTreeRun, type Synced } from './replication-report';
import { rfsdBinary, RfsdPair, type RfsdEvent } from './rfsd';
import { Scratch } from './scratch';
import { changeBlocks, filesToChange, makeTree, verifyCopy } from './tree';
import { between, WireCounters } from './wire';

/** A whole tree's copy may take long on a slow disk; the daemon is given this long to say `synced`. */
const SYNC_WAIT_MS = 3_600_000;

/** Removes what a directory holds, not the directory (it may be a mount point). */
function empty(dir: string): void {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** Dirty pages of earlier steps written out, so that they do not land inside the next timing. */
const syncAll = () => runChecked('sync', []);

function synced(e: RfsdEvent): Synced {
  return { files: Number(e.files), bytes: Number(e.bytes), ms: Number(e.ms) };
}

interface Tools {
  readonly fio: string;
  readonly mergerfs: string;
  readonly rsync: string;
  readonly nft: string;
}

/** P3/P4 through keel: a fresh pair on an empty directory, verified once both stopped. */
async function keelIo(pair: RfsdPair, fio: string, p: ReplicationParams): Promise<IoRun> {
  empty(pair.p);
  empty(pair.s);
  await pair.startPrimary();
  await pair.startSecondary(true).wait('synced');
  const run = await ioRun(fio, pair.p, p);
  await pair.stopBoth();
  await verifyCopy('keel (P3/P4)', pair.p, pair.s);
  return run;
}

/**
 * P6 then P5 for keel on the tree in `pair.p`: an empty copy joins (--full) until `synced`; it
 * stops; 1 % of the files change through the primary's mount; it joins again until `synced`.
 */
async function keelTree(
  pair: RfsdPair,
  wire: WireCounters,
  p: ReplicationParams,
  rep: number,
): Promise<KeelTreeRun> {
  empty(pair.s);
  pair.forgetLinks();
  const primary = await pair.startPrimary();
  const port = pair.listenPort;
  await wire.watch(port);

  await syncAll();
  let w0 = await wire.read(port);
  let t0 = performance.now();
  const first = await pair.startSecondary(true).wait('synced', 0, SYNC_WAIT_MS);
  const fullMs = Math.round(performance.now() - t0);
  const fullWire = between(w0, await wire.read(port));

  const since = primary.mark();
  await pair.secondary?.stop();
  // The copy at rest against the primary's tree, read through its mount (nothing writes now).
  await verifyCopy('keel (P6, first full sync)', pair.p, pair.s);
  const which = filesToChange(p.treeFiles, p.changeFraction, rep);
  const changedBytes = await changeBlocks(pair.p, which);
  await primary.wait('link-lost', since);

  await syncAll();
  w0 = await wire.read(port);
  t0 = performance.now();
  const again = await pair.startSecondary(false).wait('synced', 0, SYNC_WAIT_MS);
  const resyncMs = Math.round(performance.now() - t0);
  const resyncWire = between(w0, await wire.read(port));
  await pair.stopBoth();
  await verifyCopy('keel (P5, resync)', pair.p, pair.s);
  return {
    fullMs,
    fullWire,
    fullSynced: synced(first),
    changedFiles: which.length,
    changedBytes,
    resyncMs,
    resyncWire,
    resyncSynced: synced(again),
  };
}

/** P6 then P5 for rsync from the same tree (keel stopped) to an empty destination. */
async function rsyncTree(
  rsync: string,
  d: Rsyncd,
  src: string,
  dest: string,
  wire: WireCounters,
  p: ReplicationParams,
  rep: number,
): Promise<RsyncTreeRun> {
  empty(dest);
  await syncAll();
  let w0 = await wire.read(d.port);
  const full = await rsyncTo(rsync, src, d, dest);
  const fullWire = between(w0, await wire.read(d.port));
  const which = filesToChange(p.treeFiles, p.changeFraction, rep);
  const changedBytes = await changeBlocks(src, which);
  await syncAll();
  w0 = await wire.read(d.port);
  const resync = await rsyncTo(rsync, src, d, dest);
  const resyncWire = between(w0, await wire.read(d.port));
  return { full, fullWire, changedFiles: which.length, changedBytes, resync, resyncWire };
}

export async function replicationBench(o: {
  runs: number;
  params: ReplicationParams;
  scratchBase: string;
  out: string;
  command: string;
}): Promise<void> {
  const tools: Tools = {
    fio: ensureProgram('fio', 'fio'),
    mergerfs: ensureProgram('mergerfs', 'mergerfs'),
    rsync: ensureProgram('rsync', 'rsync'),
    nft: ensureProgram('nft', 'nftables'),
  };
  rfsdBinary();
  const p = o.params;
  const scratch = Scratch.create(o.scratchBase);
  // An interrupt still unmounts and removes everything.
  const interrupted = (signal: NodeJS.Signals) => {
    process.stderr.write(`bench: ${signal}: cleaning ${scratch.root}\n`);
    void scratch.destroy().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const fileSystem = await scratch.fileSystem();
    process.stdout.write(`replication: scratch ${scratch.root} on ${fileSystem}\n`);
    const wire = await WireCounters.create(tools.nft, scratch);
    const local = scratch.dir('local');
    const mergerfsAt = scratch.dir('mergerfs');
    await mountMergerfs(tools.mergerfs, scratch, scratch.dir('mergerfs-branch'), mergerfsAt);
    const io = new RfsdPair(scratch, 'io');
    const tree = new RfsdPair(scratch, 'tree');
    const rsyncDest = scratch.dir('rsync-dest');
    const rsyncd = await startRsyncd(tools.rsync, scratch, rsyncDest);
    await wire.watch(rsyncd.port);
    process.stdout.write(`replication: making the tree (${p.treeBytes} bytes in ${p.treeFiles} files)\n`);
    await makeTree(tree.p, p.treeBytes, p.treeFiles);

    const ioRuns = { local: [] as IoRun[], mergerfs: [] as IoRun[], keel: [] as IoRun[] };
    const treeRuns = { keel: [] as KeelTreeRun[], rsync: [] as RsyncTreeRun[] };
    for (let i = 1; i <= o.runs; i++) {
      empty(local);
      const l = await ioRun(tools.fio, local, p);
      empty(mergerfsAt);
      const m = await ioRun(tools.fio, mergerfsAt, p);
      const k = await keelIo(io, tools.fio, p);
      ioRuns.local.push(l);
      ioRuns.mergerfs.push(m);
      ioRuns.keel.push(k);
      const io3 = (x: IoRun) => `${x.seqMiBps} MiB/s, ${x.randIops} IOPS, ${x.smallFilesPerS} files/s`;
      process.stdout.write(`run ${i}/${o.runs} P3/P4: keel ${io3(k)}; local ${io3(l)}; mergerfs ${io3(m)}\n`);

      const kt = await keelTree(tree, wire, p, i);
      const rt = await rsyncTree(tools.rsync, rsyncd, tree.p, rsyncDest, wire, p, i);
      treeRuns.keel.push(kt);
      treeRuns.rsync.push(rt);
      process.stdout.write(
        `run ${i}/${o.runs} P6: keel ${kt.fullMs} ms ${kt.fullWire.bytes} B, rsync ${rt.full.rsyncMs}+${rt.full.syncfsMs} ms ${rt.fullWire.bytes} B; ` +
          `P5 (${kt.changedBytes} B changed): keel ${kt.resyncMs} ms ${kt.resyncWire.bytes} B (copied ${kt.resyncSynced.files} files ${kt.resyncSynced.bytes} B), ` +
          `rsync ${rt.resync.rsyncMs}+${rt.resync.syncfsMs} ms ${rt.resyncWire.bytes} B\n`,
      );
    }
    const report = replicationReport({
      date: new Date().toISOString(),
      command: o.command,
      machine: machine(),
      fileSystem,
      runs: o.runs,
      versions: {
        fio: packageVersion('fio'),
        mergerfs: packageVersion('mergerfs'),
        rsync: packageVersion('rsync'),
      },
      mergerfsOptions: MERGERFS_OPTIONS,
      params: p,
      io: ioRuns,
      tree: treeRuns,
    });
    writeFileSync(join(o.out, 'replication.json'), JSON.stringify(report.json, null, 2) + '\n');
    writeFileSync(join(o.out, 'replication.md'), report.markdown);
    process.stdout.write(`\n${report.markdown}\n`);
  } finally {
    await scratch.destroy();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}
