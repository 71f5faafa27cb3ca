// A zip archive (the format of SafeKit's .safe module packages, safekit-ops §10.1) read and written
// in memory, pure on buffers. keel reads its own zips rather than running unzip: every entry is
// judged before any byte reaches the disk, and a refusal names the entry and why (a path that
// leaves the package, a symbolic link, an entry larger than it says or than allowed, a damaged or
// encrypted one). Only what a module package needs: stored and deflated entries, no zip64, one disk.
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  /** Entries in the archive (directories included). */
  readonly maxEntries: number;
  /** Unpacked bytes of one entry. */
  readonly maxEntryBytes: number;
  /** Unpacked bytes of all entries together. */
  readonly maxTotalBytes: number;
}

/** A module package holds a configuration and a few scripts: these bounds are far above any real one. */
export const PACKAGE_LIMITS: ZipLimits = {
  maxEntries: 1000,
  maxEntryBytes: 16 << 20,
  maxTotalBytes: 64 << 20,
};

export interface ZipEntry {
  /** The entry's name as stored, `/`-separated; a directory's ends with `/`. */
  readonly name: string;
  readonly directory: boolean;
  /** Unix permission bits when the archive says them (made on Unix), else undefined. */
  readonly mode: number | undefined;
  readonly data: Buffer;
}

/** Why an archive was refused; `entry` names the entry when one is at fault. */
export class ZipError extends Error {
  override readonly name = 'ZipError';
  constructor(
    readonly problem: string,
    readonly entry?: string,
  ) {
    super(entry === undefined ? problem : `entry ${JSON.stringify(entry)}: ${problem}`);
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/**
 * Why an entry name cannot be unpacked under a directory, or undefined when it can: no absolute
 * name, no drive letter, no backslash, no `.` or `..` segment, no empty segment, no control
 * character, at most 255 characters. Pure.
 */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an empty name';
  if (name.length > 255) return 'a name longer than 255 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a control character in the name';
  if (name.includes('\\')) return 'a backslash in the name (names are /-separated)';
  if (name.startsWith('/')) return 'an absolute name';
  if (/^[A-Za-z]:/.test(name)) return 'a drive letter in the name';
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.some((s) => s === '..')) return 'a ".." segment: the name leaves the package';
  if (segments.some((s) => s === '.' || s === '')) return 'an empty or "." segment in the name';
  return undefined;
}

/** Reads every entry of a zip archive, checking each; throws ZipError naming the first problem. */
export function readZip(zip: Buffer, limits: ZipLimits = PACKAGE_LIMITS): ZipEntry[] {
  const end = findEnd(zip);
  if (zip.readUInt16LE(end + 4) !== 0 || zip.readUInt16LE(end + 6) !== 0)
    throw new ZipError('an archive split over several disks');
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  const offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    throw new ZipError('a zip64 archive (a module package is far smaller)');
  if (count > limits.maxEntries)
    throw new ZipError(`${count} entries, more than the ${limits.maxEntries} allowed`);
  if (offset + size > end) throw new ZipError('a damaged archive (central directory out of bounds)');
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let at = offset;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > end || zip.readUInt32LE(at) !== CENTRAL)
      throw new ZipError('a damaged archive (bad central directory)');
    const madeOn = zip.readUInt8(at + 5);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const csize = zip.readUInt32LE(at + 20);
    const usize = zip.readUInt32LE(at + 24);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const external = zip.readUInt32LE(at + 38);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    const problem = entryNameProblem(name);
    if (problem) throw new ZipError(problem, name);
    if (seen.has(name)) throw new ZipError('the name appears twice', name);
    seen.add(name);
    if (flags & 0x1) throw new ZipError('an encrypted entry', name);
    // 3 = Unix: the high half of the external attributes is st_mode.
    const unixMode = madeOn === 3 ? external >>> 16 : 0;
    const type = unixMode & S_IFMT;
    const directory = name.endsWith('/');
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
      throw new ZipError(
        type === 0o120000 ? 'a symbolic link (refused: it could point outside the module)' : 'a special file',
        name,
      );
    if ((type === S_IFDIR) !== directory && type !== 0)
      throw new ZipError('a directory and file at once', name);
    if (usize > limits.maxEntryBytes)
      throw new ZipError(`${usize} bytes unpacked, more than the ${limits.maxEntryBytes} allowed`, name);
    total += usize;
    if (total > limits.maxTotalBytes)
      throw new ZipError(`the archive unpacks to more than the ${limits.maxTotalBytes} bytes allowed`, name);
    if (method !== 0 && method !== 8)
      throw new ZipError(`compression method ${method} (only stored and deflated entries)`, name);
    const data = entryData(zip, local, name, method, csize, usize, end);
    if (data.length !== usize) throw new ZipError('the data is not the size the archive says', name);
    if (crc32(data) >>> 0 !== crc) throw new ZipError('a damaged entry (CRC mismatch)', name);
    if (directory && data.length > 0) throw new ZipError('a directory with data', name);
    entries.push({ name, directory, mode: unixMode === 0 ? undefined : unixMode & 0o7777, data });
  }
  return entries;
}

function findEnd(zip: Buffer): number {
  const from = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= from; i -= 1) if (zip.readUInt32LE(i) === EOCD) return i;
  throw new ZipError('not a zip archive (no end of central directory)');
}

function entryData(
  zip: Buffer,
  local: number,
  name: string,
  method: number,
  csize: number,
  usize: number,
  end: number,
): Buffer {
  if (local + 30 > end || zip.readUInt32LE(local) !== LOCAL)
    throw new ZipError('a damaged archive (bad local header)', name);
  const nameLen = zip.readUInt16LE(local + 26);
  const extraLen = zip.readUInt16LE(local + 28);
  if (zip.subarray(local + 30, local + 30 + nameLen).toString('utf8') !== name)
    throw new ZipError('the local header names another entry', name);
  const start = local + 30 + nameLen + extraLen;
  if (start + csize > end) throw new ZipError('a damaged archive (data out of bounds)', name);
  const raw = zip.subarray(start, start + csize);
  if (method === 0) return Buffer.from(raw);
  try {
    // One byte more than announced: an entry that inflates beyond its size is caught, never unpacked whole.
    return inflateRawSync(raw, { maxOutputLength: usize + 1 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ZipError('the data is larger than the archive says', name);
    throw new ZipError(`a damaged entry (${(e as Error).message})`, name);
  }
}

export interface ZipInput {
  readonly name: string;
  /** Permission bits; a directory when the name ends with `/`. */
  readonly mode: number;
  readonly data: Buffer;
}

/**
 * Writes a zip archive: entries deflated, Unix modes kept, every date 1980-01-01 so the same files
 * always make the same bytes (a package's signature says only what it holds).
 */
export function writeZip(files: readonly ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const problem = entryNameProblem(f.name);
    if (problem) throw new ZipError(problem, f.name);
    const name = Buffer.from(f.name, 'utf8');
    const dir = f.name.endsWith('/');
    const packed = dir ? Buffer.alloc(0) : deflateRawSync(f.data);
    const crc = dir ? 0 : crc32(f.data) >>> 0;
    const size = dir ? 0 : f.data.length;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(LOCAL, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x800, 6); // names are UTF-8
    head.writeUInt16LE(dir ? 0 : 8, 8);
    head.writeUInt16LE(0, 10);
    head.writeUInt16LE(33, 12); // 1980-01-01
    head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(size, 22);
    head.writeUInt16LE(name.length, 26);
    head.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(dir ? 0 : 8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(33, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((((dir ? S_IFDIR : S_IFREG) | (f.mode & 0o7777)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(head, name, packed);
    centrals.push(central, name);
    offset += head.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
