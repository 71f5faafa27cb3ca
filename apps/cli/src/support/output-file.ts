// Where a support command (snapshot, logsave) writes what it gathered: an absolute path given by
// root, never a relative one (what it is relative to is not obvious in a script or over -H), never
// an existing directory. The file is written beside its target under a fresh name (created, never
// opened through a link) with mode 0600 (a snapshot holds configuration), then renamed over the
// target, so a reader never sees half a file and a link at the target is replaced, not followed.
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../io';

/** The output path checked: absolute, not a directory, in a directory that exists. */
export function checkOutputPath(command: string, path: string, example: string): string {
  if (!isAbsolute(path))
    throw new UsageError(
      `${command}: ${JSON.stringify(path)} is a relative path; give an absolute path (e.g. ${example})`,
    );
  if (path.endsWith('/')) throw new UsageError(`${command}: ${path} names a directory; give a file name`);
  const st = statOrUndefined(path);
  if (st?.isDirectory())
    throw new UsageError(`${command}: ${path} is an existing directory; give a file name in it`);
  const parent = statOrUndefined(dirname(path));
  if (!parent?.isDirectory())
    throw new UsageError(`${command}: ${dirname(path)} is not an existing directory`);
  return path;
}

/** Writes `data` to `path` with mode 0600, atomically (a temporary file renamed over it). */
export function writeFileAtomic(path: string, data: Buffer | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx' is O_CREAT|O_EXCL: never an existing file, never through a link planted under that name.
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed or never there */
    }
    throw e;
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
