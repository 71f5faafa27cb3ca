// `keel snapshot -m AM <absolute path>.zip` (safekit-ops §9.5, §7.18): a new dump, then a zip of
// the module's newest dumps and its current configuration, laid out as SafeKit's:
//   snapshot_<node>_<AM>/<AM>/dump_YYYY_MM_DD_hh_mm_ss/...   (the last DUMPS_KEPT dumps)
//   snapshot_<node>_<AM>/<AM>/config_current/module/{conf,bin}/...
// Only regular files of keel's places, never through a link; written 0600, atomically; no zip
// password (SafeKit's is the public word "safekit"): the file's mode is the protection.
import { join } from 'node:path';
import { modulePaths, nodePaths, writeZip, type NodeEnv, type ZipInput } from '@keel/config';
import { KeelFiles } from './keel-files';
import { listDumps, moduleSnapshotDir } from './dump';
import { writeFileAtomic } from './output-file';

/** The whole archive's content at most: dumps are bounded (dump.ts), this catches anything else. */
export const SNAPSHOT_MAX_BYTES = 64 << 20;
/** A configuration file larger than this is listed in config_current/skipped.txt, not carried. */
export const CONFIG_FILE_MAX_BYTES = 4 << 20;
const MAX_DEPTH = 4;

export class SnapshotTooLargeError extends Error {
  override readonly name = 'SnapshotTooLargeError';
}

/** The zip entries of a module's snapshot (the dump it carries already made). */
export function snapshotEntries(env: NodeEnv, node: string, module: string): ZipInput[] {
  const paths = nodePaths(env);
  const files = new KeelFiles([paths.etc, paths.var]);
  const top = `snapshot_${node}_${module}/${module}`;
  const entries: ZipInput[] = [];
  let total = 0;
  const add = (name: string, data: Buffer) => {
    total += data.length;
    if (total > SNAPSHOT_MAX_BYTES)
      throw new SnapshotTooLargeError(`the snapshot would hold more than ${SNAPSHOT_MAX_BYTES >> 20} MiB`);
    entries.push({ name, mode: 0o600, data });
  };
  const dumps = moduleSnapshotDir(env, module);
  for (const d of listDumps(files, dumps).slice(-3))
    walk(files, join(dumps, d), Number.MAX_SAFE_INTEGER, (rel, data) => add(`${top}/${d}/${rel}`, data));
  const mod = modulePaths(paths, module);
  const skipped: string[] = [];
  for (const [part, dir] of [
    ['conf', mod.conf],
    ['bin', mod.bin],
  ] as const) {
    walk(
      files,
      dir,
      CONFIG_FILE_MAX_BYTES,
      (rel, data) => add(`${top}/config_current/module/${part}/${rel}`, data),
      (rel) => skipped.push(`${part}/${rel}`),
    );
  }
  if (skipped.length > 0)
    add(
      `${top}/config_current/skipped.txt`,
      Buffer.from(`larger than ${CONFIG_FILE_MAX_BYTES >> 20} MiB, not carried:\n${skipped.join('\n')}\n`),
    );
  return entries;
}

/** Writes the snapshot zip to `target` (checked absolute by the caller). */
export function writeSnapshot(target: string, entries: readonly ZipInput[]): void {
  writeFileAtomic(target, writeZip(entries));
}

/** Every regular file under `dir` (links skipped, MAX_DEPTH levels), in name order. */
function walk(
  files: KeelFiles,
  dir: string,
  maxBytes: number,
  take: (rel: string, data: Buffer) => void,
  tooBig: (rel: string) => void = () => undefined,
  rel = '',
  depth = 0,
): void {
  for (const name of files.list(dir)) {
    const t = files.tail(join(dir, name), maxBytes);
    if (!t) continue;
    if (t.truncated) tooBig(rel + name);
    else take(rel + name, t.data);
  }
  if (depth + 1 >= MAX_DEPTH) return;
  for (const sub of files.list(dir, true))
    walk(files, join(dir, sub), maxBytes, take, tooBig, `${rel}${sub}/`, depth + 1);
}
