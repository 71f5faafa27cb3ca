import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModuleLog } from '../src/adapters/module-log';
import { formatEntry } from '../src/log/log-line';
import { allLines, logFiles, nth, pageThrough } from './support/module-log-files';

// Real files: with 2 rotated files kept, the log holds at most 3 files whatever is written; what
// it holds is the newest lines, none missing up to the last one written.
const dir = mkdtempSync(join(tmpdir(), 'keel-log-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('only the newest rotated files are kept', () => {
  const log = new FileModuleLog(join(dir, 'module.log'), { maxBytes: 2048, keep: 2 });
  const written = Array.from({ length: 3000 }, (_, n) => nth(n)).map((e) => (log.write(e), formatEntry(e)));

  const files = logFiles(dir);
  expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
    expect.stringMatching(/^module\.log\.\d+$/),
    expect.stringMatching(/^module\.log\.\d+$/),
    'module.log',
  ]);
  const kept = allLines(dir);
  expect(kept).toEqual(written.slice(written.length - kept.length));
  expect(pageThrough(log)).toEqual(kept);
});
