import { deflateRawSync } from 'node:zlib';
import { entryNameProblem, readZip, writeZip, ZipError, type ZipInput } from '../src/package/zip';

// A .safe is unpacked as root: every entry is judged before anything is written (zip.ts).
const file = (name: string, data = 'x', mode = 0o644): ZipInput => ({ name, mode, data: Buffer.from(data) });
const sut = (zip: Buffer, limits = { maxEntries: 10, maxEntryBytes: 1000, maxTotalBytes: 1500 }) =>
  readZip(zip, limits);

/** The archive with every occurrence of `from` in its bytes replaced by `to` (same length). */
const patched = (zip: Buffer, from: string, to: string) =>
  Buffer.from(zip.toString('latin1').split(from).join(to), 'latin1');

/** The central directory entry's offset (the first one). */
const central = (zip: Buffer) => zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ZipError);
    return (e as Error).message;
  }
  throw new Error('not refused');
};

it('reads back what it wrote, with modes', () => {
  const zip = writeZip([
    file('conf/'.concat('userconfig.xml'), '<safe/>'),
    file('bin/', '', 0o755),
    file('bin/start_prim', '#!/bin/sh', 0o755),
  ]);
  expect(sut(zip).map((e) => [e.name, e.directory, e.mode, e.data.toString()])).toEqual([
    ['conf/userconfig.xml', false, 0o644, '<safe/>'],
    ['bin/', true, 0o755, ''],
    ['bin/start_prim', false, 0o755, '#!/bin/sh'],
  ]);
  // The same files make the same bytes: a package's signature says only what it holds.
  expect(writeZip([file('a', 'b')]).equals(writeZip([file('a', 'b')]))).toBe(true);
});

it.each([
  ['../../etc/passwd', 'leaves the package'],
  ['conf/../../x', 'leaves the package'],
  ['/etc/passwd', 'an absolute name'],
  ['C:/x', 'a drive letter'],
  ['bin\\..\\x', 'a backslash'],
  ['bin//x', 'an empty or "." segment'],
  ['./x', 'an empty or "." segment'],
  ['a\u0000b', 'a control character'],
  ['', 'an empty name'],
])('entry name %j: %s', (name, why) => {
  expect(entryNameProblem(name)).toContain(why);
});

it('refuses a path trick in an archive, naming the entry', () => {
  const zip = patched(writeZip([file('ab/cd/ef/passwd')]), 'ab/cd/ef/passwd', '../../../passwd');
  expect(refusal(() => sut(zip))).toBe(
    'entry "../../../passwd": a ".." segment: the name leaves the package',
  );
});

it('refuses a symbolic link', () => {
  const zip = writeZip([file('bin/start_prim', '/etc/shadow', 0o777)]);
  // The central entry's external attributes: S_IFLNK instead of S_IFREG.
  zip.writeUInt32LE(((0o120000 | 0o777) << 16) >>> 0, central(zip) + 38);
  expect(refusal(() => sut(zip))).toBe(
    'entry "bin/start_prim": a symbolic link (refused: it could point outside the module)',
  );
});

it('refuses an entry bigger than allowed, and one that inflates beyond what it announces', () => {
  expect(refusal(() => sut(writeZip([file('big', 'a'.repeat(1001))])))).toBe(
    'entry "big": 1001 bytes unpacked, more than the 1000 allowed',
  );
  expect(refusal(() => sut(writeZip([file('a', 'a'.repeat(800)), file('b', 'b'.repeat(800))])))).toBe(
    'entry "b": the archive unpacks to more than the 1500 bytes allowed',
  );
  // A bomb: 10 MB of zeros announced as 100 bytes is cut off at 101, never inflated whole.
  const zip = writeZip([file('bomb', '')]);
  const bomb = deflateRawSync(Buffer.alloc(10_000_000));
  const local = Buffer.alloc(30 + 4);
  zip.copy(local, 0, 0, 34);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(bomb.length, 18);
  local.writeUInt32LE(100, 22);
  const cd = Buffer.from(zip.subarray(central(zip)));
  cd.writeUInt16LE(8, 10);
  cd.writeUInt32LE(bomb.length, 20);
  cd.writeUInt32LE(100, 24);
  cd.writeUInt32LE(local.length + bomb.length, cd.length - 22 + 16);
  expect(refusal(() => sut(Buffer.concat([local, bomb, cd])))).toBe(
    'entry "bomb": the data is larger than the archive says',
  );
});

it('refuses too many entries, twice the same name, damage, encryption and what is no zip', () => {
  expect(refusal(() => sut(writeZip(Array.from({ length: 11 }, (_, i) => file(`f${i}`)))))).toBe(
    '11 entries, more than the 10 allowed',
  );
  expect(refusal(() => sut(patched(writeZip([file('aa'), file('ab')]), 'ab', 'aa')))).toBe(
    'entry "aa": the name appears twice',
  );
  const damaged = writeZip([file('a', 'hello')]);
  damaged.writeUInt32LE(1234, central(damaged) + 16);
  expect(refusal(() => sut(damaged))).toBe('entry "a": a damaged entry (CRC mismatch)');
  const encrypted = writeZip([file('a')]);
  encrypted.writeUInt16LE(0x801, central(encrypted) + 8);
  expect(refusal(() => sut(encrypted))).toBe('entry "a": an encrypted entry');
  expect(refusal(() => sut(Buffer.from('not a zip at all, just text')))).toBe(
    'not a zip archive (no end of central directory)',
  );
});
