import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModuleLog } from '../src/adapters/module-log';
import { formatEntry } from '../src/log/log-line';
import { allLines, logFiles, nth, pageThrough, sizeOf } from './support/module-log-files';

// Real files: a module log configured at 4 KB rotates whenever the next line would pass 4 KB,
// and every line written is in exactly one file, in order, read whole or page by page.
const dir = mkdtempSync(join(tmpdir(), 'keel-log-rotation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('rotation at the configured size loses no line', () => {
  const maxBytes = 4096;
  const log = new FileModuleLog(join(dir, 'module.log'), { maxBytes, keep: 1000 });
  const written = Array.from({ length: 2000 }, (_, n) => nth(n));
  written.forEach((e) => log.write(e));
  const expected = written.map(formatEntry);

  const files = logFiles(dir);
  expect(files.length).toBeGreaterThan(10);
  expect(allLines(dir)).toEqual(expected);
  for (const [i, f] of files.entries()) {
    expect(sizeOf(f)).toBeLessThanOrEqual(maxBytes);
    // A rotated file is full: the first line of the next file would have taken it past the size.
    if (i < files.length - 1) {
      const firstOfNext = Buffer.byteLength(`${readFileSync(files[i + 1], 'utf8').split('\n')[0]}\n`);
      expect(sizeOf(f) + firstOfNext).toBeGreaterThan(maxBytes);
    }
  }
  expect(pageThrough(log)).toEqual(expected);
  expect(pageThrough(log, false)).toEqual(expected.filter((l) => !/^\S+ \S+ V /.test(l)));
});
