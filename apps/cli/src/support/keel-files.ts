// Reading keel's own files for a dump or a snapshot as root, without ever leaving keel's places: a
// file is opened without following a link (O_NOFOLLOW) and read only if it is a regular file, a
// directory is listed without following links (a link in it is skipped), and the real path of the
// directory read must lie under the real path of one of keel's places, so a module directory
// replaced by a link to /root does not make a snapshot carry /root's files.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** The end (or all, when smaller) of a regular file: `maxBytes` at most, and whether it held more. */
export interface FileTail {
  readonly data: Buffer;
  readonly truncated: boolean;
}

export class KeelFiles {
  private readonly roots: string[];

  /** `roots`: keel's places (KEEL_ETC, KEEL_VAR); those that do not exist are left out. */
  constructor(roots: readonly string[]) {
    this.roots = roots.flatMap((r) => {
      try {
        return [realpathSync(r)];
      } catch {
        return [];
      }
    });
  }

  /** Whether `dir` really (links resolved) lies in one of keel's places. */
  inside(dir: string): boolean {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return false;
    }
    return this.roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  /** The last `maxBytes` of a regular file of keel's places, or undefined (absent, a link, not a file). */
  tail(file: string, maxBytes: number): FileTail | undefined {
    if (!this.inside(dirname(file))) return undefined;
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return undefined;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return undefined;
      const length = Math.min(st.size, maxBytes);
      const data = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, data, got, length - got, st.size - length + got);
        if (n === 0) break;
        got += n;
      }
      return { data: data.subarray(0, got), truncated: st.size > length };
    } finally {
      closeSync(fd);
    }
  }

  /** Names of the regular files (or, with `dirs`, the directories) of a directory of keel's places. */
  list(dir: string, dirs = false): string[] {
    if (!this.inside(dir)) return [];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => {
        try {
          const st = lstatSync(join(dir, n));
          return dirs ? st.isDirectory() : st.isFile();
        } catch {
          return false;
        }
      })
      .sort();
  }
}
