// Reading keel's own files for a dump or a snapshot as root, without ever leaving keel's places: a
// file is opened without following a link (O_NOFOLLOW) and read only if it is a regular file, a
// directory is listed without following links (a link in it is skipped), and the real path of the
// directory read must lie under the real path of one of keel's places, so a module directory
// replaced by a link to /root does not make a snapshot carry /root's files.
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { readFileTail, type FileTail } from '@keel/config';

export type { FileTail };

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
    return this.inside(dirname(file)) ? readFileTail(file, maxBytes) : undefined;
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
