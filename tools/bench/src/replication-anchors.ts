// The replication bench's anchors (docs TARGETS P3-P6), on the same disk as keel's directories:
//  - mergerfs: a FUSE passthrough with no replication, over one branch, with the option set its
//    manual gives first ("BASIC SETUP", for software that needs mmap, as keel's directories serve
//    any application);
//  - rsync: a daemon on 127.0.0.1 (no ssh: keel's link is not encrypted either) receiving
//    `rsync -a` from a local client; rsync's defaults otherwise: the quick check by size and
//    modification time, the delta transfer on a changed file, the whole-file checksum.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { run, runChecked, signalPid, sleep } from '../../lab/src/system';
import { freePort } from './rfsd';
import type { Scratch } from './scratch';

export const MERGERFS_OPTIONS =
  'allow_other,use_ino,cache.files=partial,dropcacheonclose=true,category.create=mfs';

/** Mounts mergerfs over `branch` at `at`; the scratch unmounts it. */
export async function mountMergerfs(
  mergerfs: string,
  scratch: Scratch,
  branch: string,
  at: string,
): Promise<void> {
  await runChecked(mergerfs, ['-o', MERGERFS_OPTIONS, branch, at]);
  scratch.onDestroy(`mergerfs on ${at}`, async () => {
    const r = await run('umount', [at]);
    if (r.code !== 0) await run('umount', ['-l', at]);
  });
}

export interface Rsyncd {
  readonly port: number;
  /** The client's destination: `rsync://127.0.0.1:<port>/bench/`. */
  readonly url: string;
}

/** An rsync daemon on 127.0.0.1 whose module `bench` is `dest` (writable, as root). */
export async function startRsyncd(rsync: string, scratch: Scratch, dest: string): Promise<Rsyncd> {
  const port = await freePort();
  const conf = scratch.path('rsyncd.conf');
  writeFileSync(
    conf,
    [
      `pid file = ${scratch.path('rsyncd.pid')}`,
      `log file = ${scratch.path('logs', 'rsyncd.log')}`,
      '[bench]',
      `  path = ${dest}`,
      '  read only = no',
      '  uid = root',
      '  gid = root',
      '',
    ].join('\n'),
  );
  const child = spawn(
    rsync,
    ['--daemon', '--no-detach', `--config=${conf}`, '--address=127.0.0.1', `--port=${port}`],
    { stdio: 'ignore' },
  );
  scratch.onDestroy('rsync daemon', () => {
    signalPid(child.pid as number, 'SIGTERM');
  });
  for (let i = 0; ; i++) {
    if (await accepts(port)) break;
    if (child.exitCode !== null || i > 100) throw new Error(`the rsync daemon does not listen on ${port}`);
    await sleep(50);
  }
  return { port, url: `rsync://127.0.0.1:${port}/bench/` };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

export interface RsyncRun {
  /** rsync's own run, ms. */
  readonly rsyncMs: number;
  /** The destination's file system synced after it (syncfs), ms: keel's `synced` comes after one. */
  readonly syncfsMs: number;
  /** What rsync says it sent and received (its --stats), bytes. */
  readonly statsSent: number;
  readonly statsReceived: number;
}

/** `rsync -a <src>/ <daemon>`, timed, then `sync -f <dest>`, timed. */
export async function rsyncTo(rsync: string, src: string, d: Rsyncd, dest: string): Promise<RsyncRun> {
  const t0 = performance.now();
  const r = await runChecked(rsync, ['-a', '--stats', `${src}/`, d.url], { timeoutMs: 3_600_000 });
  const t1 = performance.now();
  await runChecked('sync', ['-f', dest]);
  const t2 = performance.now();
  const stat = (label: string) => {
    const m = new RegExp(`^Total bytes ${label}: ([\\d,.]+)`, 'm').exec(r.stdout);
    return m?.[1] ? Number(m[1].replace(/[,.]/g, '')) : NaN;
  };
  return {
    rsyncMs: Math.round(t1 - t0),
    syncfsMs: Math.round(t2 - t1),
    statsSent: stat('sent'),
    statsReceived: stat('received'),
  };
}
