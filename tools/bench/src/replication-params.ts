// The replication bench's sizes (pure): the defaults of issue 11 (a 2 GiB tree in about 10 000
// files, 1 % of them changed), the small ones of `--short` (checks the harness runs), and the
// command line's overrides.
import type { IoParams } from './disk-io';
import type { TreeParams } from './replication-report';

export type ReplicationParams = IoParams & TreeParams;

const GiB = 2 ** 30;
const MiB = 2 ** 20;

export const FULL: ReplicationParams = {
  seqBytes: 1 * GiB,
  randBytes: 256 * MiB,
  randSeconds: 15,
  smallFiles: 2000,
  smallFileBytes: 4096,
  treeBytes: 2 * GiB,
  treeFiles: 10_000,
  changeFraction: 0.01,
};

export const SHORT: ReplicationParams = {
  seqBytes: 64 * MiB,
  randBytes: 16 * MiB,
  randSeconds: 3,
  smallFiles: 200,
  smallFileBytes: 4096,
  treeBytes: 50 * 10 ** 6,
  treeFiles: 500,
  changeFraction: 0.01,
};

/** "2g", "50m", "512k", "4096": bytes (binary units). */
export function parseSize(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new Error(`${option} must be a size such as 2g, 50m or 4096, not '${text}'`);
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[
    (m[2] ?? '').toLowerCase()
  ] as number;
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1) throw new Error(`${option} must be at least 1 byte, not '${text}'`);
  return bytes;
}

function positive(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} must be a positive integer, not '${text}'`);
  return n;
}

export interface ReplicationOptions {
  readonly 'tree-size'?: string | undefined;
  readonly 'tree-files'?: string | undefined;
  readonly 'seq-size'?: string | undefined;
  readonly 'rand-size'?: string | undefined;
  readonly 'rand-seconds'?: string | undefined;
  readonly 'small-files'?: string | undefined;
}

/** The defaults (short or full) with the command line's overrides, checked. */
export function replicationParams(o: ReplicationOptions, short: boolean): ReplicationParams {
  const base = short ? SHORT : FULL;
  const p: ReplicationParams = {
    ...base,
    ...(o['tree-size'] && { treeBytes: parseSize(o['tree-size'], '--tree-size') }),
    ...(o['tree-files'] && { treeFiles: positive(o['tree-files'], '--tree-files') }),
    ...(o['seq-size'] && { seqBytes: parseSize(o['seq-size'], '--seq-size') }),
    ...(o['rand-size'] && { randBytes: parseSize(o['rand-size'], '--rand-size') }),
    ...(o['rand-seconds'] && { randSeconds: positive(o['rand-seconds'], '--rand-seconds') }),
    ...(o['small-files'] && { smallFiles: positive(o['small-files'], '--small-files') }),
  };
  if (p.treeBytes / p.treeFiles < 8192)
    throw new Error(
      `a tree of ${p.treeBytes} bytes in ${p.treeFiles} files: its files must average at least 8 KiB (a 4 KiB block changes in each)`,
    );
  if (p.randBytes < 4096) throw new Error('--rand-size must be at least 4k');
  return p;
}
