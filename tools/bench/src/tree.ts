// The trees of P5/P6 (docs TARGETS): made once per run, changed 1 % at a time, and compared after
// each keel run to verify the replication (what must be equal on both nodes: kind, mode, owner,
// size, content, link target; not modification times, which a live write stamps with each node's
// own clock).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BLOCK = 4096;
const FILES_PER_DIR = 100;

/** File i's size: between half and one and a half of the mean, the whole summing to `total`. */
export function treeSizes(total: number, files: number): number[] {
  const mean = total / files;
  // A fixed spread (golden-ratio steps), so every run and every tool gets the same tree shape.
  const raw = Array.from({ length: files }, (_, i) => Math.round(mean * (0.5 + ((i * 0.618034) % 1))));
  const sum = raw.reduce((a, b) => a + b, 0);
  raw[files - 1] = Math.max(BLOCK, (raw[files - 1] as number) + total - sum);
  return raw;
}

/** The relative path of file i: 100 files per directory. */
export function treePath(i: number): string {
  const d = Math.floor(i / FILES_PER_DIR);
  return join(`d${String(d).padStart(4, '0')}`, `f${String(i).padStart(6, '0')}`);
}

/** Writes `files` files of random (incompressible) content, `total` bytes in all, under `dir`. */
export async function makeTree(dir: string, total: number, files: number): Promise<void> {
  if (total / files < 2 * BLOCK)
    throw new Error(
      `a tree of ${total} bytes in ${files} files: files must average at least ${2 * BLOCK} bytes`,
    );
  const sizes = treeSizes(total, files);
  for (let i = 0; i < files; i++) {
    const rel = treePath(i);
    if (i % FILES_PER_DIR === 0) await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), randomBytes(sizes[i] as number));
  }
}

/** Which files a repetition changes: every 100th (for 1 %), shifted by the repetition. */
export function filesToChange(files: number, fraction: number, rep: number): number[] {
  const step = Math.max(1, Math.round(1 / fraction));
  const out: number[] = [];
  for (let i = rep % step; i < files; i += step) out.push(i);
  return out;
}

/**
 * Overwrites one aligned 4 KiB block, at a random place, with random bytes in each of the files;
 * returns the bytes changed.
 */
export async function changeBlocks(dir: string, which: readonly number[]): Promise<number> {
  let changed = 0;
  for (const i of which) {
    const f = await open(join(dir, treePath(i)), 'r+');
    try {
      const blocks = Math.floor((await f.stat()).size / BLOCK);
      await f.write(randomBytes(BLOCK), 0, BLOCK, randomInt(blocks) * BLOCK);
      changed += BLOCK;
    } finally {
      await f.close();
    }
  }
  return changed;
}

interface Entry {
  readonly kind: 'd' | 'f' | 'l' | 'o';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** sha256 of a file's content, a link's target. */
  readonly data: string;
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function entries(root: string): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const r = rel ? join(rel, name) : name;
      const p = join(root, r);
      const st = await lstat(p);
      const kind = st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : 'o';
      const data = kind === 'f' ? await sha256(p) : kind === 'l' ? await readlink(p) : '';
      out.set(r, {
        kind,
        mode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
        size: kind === 'f' ? st.size : 0,
        data,
      });
      if (kind === 'd') await walk(r);
    }
  };
  await walk('');
  return out;
}

/** The first difference between two trees, or null when they are the same tree. */
export async function treeDifference(a: string, b: string): Promise<string | null> {
  const [ea, eb] = [await entries(a), await entries(b)];
  for (const [path, x] of ea) {
    const y = eb.get(path);
    if (!y) return `${path} is in ${a}, not in ${b}`;
    for (const k of ['kind', 'mode', 'uid', 'gid', 'size', 'data'] as const)
      if (x[k] !== y[k]) return `${path}: ${k} ${String(x[k])} in ${a}, ${String(y[k])} in ${b}`;
  }
  for (const path of eb.keys()) if (!ea.has(path)) return `${path} is in ${b}, not in ${a}`;
  return null;
}

/** Throws, naming the first difference, unless the copy is the same tree as the original. */
export async function verifyCopy(what: string, original: string, copy: string): Promise<void> {
  const diff = await treeDifference(original, copy);
  if (diff !== null) throw new Error(`${what}: the copy differs from the original: ${diff}`);
}
