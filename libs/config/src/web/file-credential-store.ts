// The web service's users and API keys in <etc>/web/{users,apikeys} (docs/decisions/0021):
// directory 0700, files 0600, owned by root or by the service's own user. A file that others can
// read or write, that is not a regular file (a symbolic link someone planted) or that another user
// owns is refused, naming it, as the bus credentials are (0010). Read again when it changes.
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  CredentialFileError,
  formatCredentialFile,
  parseCredentialFile,
  type CredentialEntry,
  type CredentialKind,
} from './credential-files';

/** The directory of the web service's own files under the node's etc directory. */
export const webDir = (etc: string) => join(etc, 'web');

interface Cached {
  readonly stamp: string;
  readonly entries: ReadonlyMap<string, CredentialEntry>;
}

export class FileCredentialStore {
  private readonly cache = new Map<CredentialKind, Cached>();

  constructor(
    readonly dir: string,
    private readonly uid: number = process.getuid?.() ?? 0,
  ) {}

  file(kind: CredentialKind): string {
    return join(this.dir, kind);
  }

  entries(kind: CredentialKind): ReadonlyMap<string, CredentialEntry> {
    const file = this.file(kind);
    let st;
    try {
      st = lstatSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new CredentialFileError(file, `cannot read it (${(err as NodeJS.ErrnoException).code})`);
    }
    this.trust(file, st);
    this.trustDir();
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const cached = this.cache.get(kind);
    if (cached?.stamp === stamp) return cached.entries;
    const entries = parseCredentialFile(readFileSync(file, 'utf8'), file, kind);
    this.cache.set(kind, { stamp, entries });
    return entries;
  }

  save(kind: CredentialKind, entries: Iterable<CredentialEntry>): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.trustDir();
    const file = this.file(kind);
    const tmp = `${file}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    // wx: never through a file (or link) someone left under that name.
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, formatCredentialFile(kind, entries));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    this.cache.delete(kind);
  }

  private trust(file: string, st: { isFile(): boolean; mode: number; uid: number }): void {
    if (!st.isFile()) throw new CredentialFileError(file, 'not a regular file');
    if ((st.mode & 0o077) !== 0)
      throw new CredentialFileError(
        file,
        `permissions ${(st.mode & 0o777).toString(8).padStart(4, '0')} let other users use it; run chmod 600 ${file}`,
      );
    if (st.uid !== 0 && st.uid !== this.uid)
      throw new CredentialFileError(file, `owned by uid ${st.uid}, neither root nor this service's user`);
  }

  private trustDir(): void {
    const st = lstatSync(this.dir);
    if (!st.isDirectory()) throw new CredentialFileError(this.dir, 'not a directory');
    if ((st.mode & 0o022) !== 0)
      throw new CredentialFileError(
        this.dir,
        `permissions ${(st.mode & 0o777).toString(8).padStart(4, '0')} let other users replace its files; run chmod 700 ${this.dir}`,
      );
    if (st.uid !== 0 && st.uid !== this.uid)
      throw new CredentialFileError(this.dir, `owned by uid ${st.uid}, neither root nor this service's user`);
  }
}
