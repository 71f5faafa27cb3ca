// P3 and P4's workloads (docs TARGETS), the same on every target directory (the local disk,
// mergerfs, keel's replicated directory):
//  - P3: fio, sequential 1 MiB writes into a new file, fsync after each (psync);
//  - P4: fio, 4 KiB random overwrites of a laid-out file, fsync after each (psync), for a time;
//  - P4: a small-file loop: create, write 4 KiB, fsync, close, one file after the other.
// fio runs with --fallocate=none everywhere, as in issue 11's first measurement (keel refused
// fallocate then): the targets must do the same work, and the runs stay comparable.
import { join } from 'node:path';
import { runChecked } from '../../lab/src/system';

export interface IoParams {
  /** P3: bytes written sequentially. */
  readonly seqBytes: number;
  /** P4: the size of the file written at random, and for how long. */
  readonly randBytes: number;
  readonly randSeconds: number;
  /** P4: how many small files, and their size. */
  readonly smallFiles: number;
  readonly smallFileBytes: number;
}

export interface IoRun {
  /** P3: MiB/s. */
  readonly seqMiBps: number;
  /** P4: write IOPS, each write followed by its fsync. */
  readonly randIops: number;
  /** P4: small files per second. */
  readonly smallFilesPerS: number;
}

interface FioJson {
  jobs: { write: { bw_bytes: number; iops: number; total_ios: number } }[];
}

async function fio(args: readonly string[], fioPath: string): Promise<FioJson['jobs'][0]['write']> {
  const r = await runChecked(
    fioPath,
    ['--output-format=json', '--ioengine=psync', '--fallocate=none', '--fsync=1', ...args],
    { timeoutMs: 3_600_000 },
  );
  // fio may print notes before its JSON.
  const job = (JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as FioJson).jobs[0];
  if (!job || job.write.total_ios === 0) throw new Error(`fio ${args.join(' ')}: no write done`);
  return job.write;
}

export async function seqWrite(fioPath: string, dir: string, bytes: number): Promise<number> {
  const w = await fio(
    ['--name=p3', `--directory=${dir}`, '--rw=write', '--bs=1M', `--size=${bytes}`],
    fioPath,
  );
  return Math.round((w.bw_bytes / 2 ** 20) * 10) / 10;
}

export async function randWrite(
  fioPath: string,
  dir: string,
  bytes: number,
  seconds: number,
): Promise<number> {
  // --overwrite=1: the file is laid out (written whole) before the timed part, which then overwrites
  // blocks in place, as a database does.
  const w = await fio(
    [
      ...['--name=p4', `--directory=${dir}`, '--rw=randwrite', '--bs=4k', `--size=${bytes}`],
      ...['--overwrite=1', `--runtime=${seconds}`, '--time_based', '--randrepeat=0'],
    ],
    fioPath,
  );
  return Math.round(w.iops);
}

// Run in a child node (its own event loop, so the bench keeps reading the daemons' events); the
// time is taken inside it, around the loop only. Each file holds its own name, so a misplaced copy
// shows in the verification.
const SMALL_FILES = `
const fs = require('fs');
const [dir, count, size] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
fs.mkdirSync(dir, { recursive: true });
const t0 = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  const name = 'f' + i;
  const buf = Buffer.alloc(size, name + '\\n');
  const fd = fs.openSync(dir + '/' + name, 'wx', 0o644);
  fs.writeSync(fd, buf);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}
process.stdout.write(String(process.hrtime.bigint() - t0));
`;

export async function smallFiles(dir: string, count: number, size: number): Promise<number> {
  const r = await runChecked(
    process.execPath,
    ['-e', SMALL_FILES, join(dir, 'small'), String(count), String(size)],
    {
      timeoutMs: 3_600_000,
    },
  );
  const ns = Number(r.stdout.trim());
  if (!(ns > 0)) throw new Error(`small-file loop: no time measured (${r.stdout})`);
  return Math.round((count / (ns / 1e9)) * 10) / 10;
}

/** P3, P4 and the small-file loop, one after the other, in `dir`. */
export async function ioRun(fioPath: string, dir: string, p: IoParams): Promise<IoRun> {
  return {
    seqMiBps: await seqWrite(fioPath, dir, p.seqBytes),
    randIops: await randWrite(fioPath, dir, p.randBytes, p.randSeconds),
    smallFilesPerS: await smallFiles(dir, p.smallFiles, p.smallFileBytes),
  };
}
