import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModuleLog } from '../src/adapters/module-log';
import { formatEntry } from '../src/log/log-line';
import { logFiles, nth } from './support/module-log-files';

// Real files: a reader pages back through the log while the module keeps writing and the log
// rotates between two pages; the next page goes on exactly where the previous one stopped.
const dir = mkdtempSync(join(tmpdir(), 'keel-log-cursor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a cursor stays valid when the log rotates between two pages', () => {
  const log = new FileModuleLog(join(dir, 'module.log'), { maxBytes: 4096, keep: 1000 });
  const first = Array.from({ length: 500 }, (_, n) => nth(n));
  first.forEach((e) => log.write(e));

  const newest = log.page({ verbose: true, count: 20 });
  expect(newest.entries.map(formatEntry)).toEqual(first.slice(-20).map(formatEntry));
  const before = logFiles(dir).length;
  Array.from({ length: 300 }, (_, n) => nth(1000 + n)).forEach((e) => log.write(e));
  expect(logFiles(dir).length).toBeGreaterThan(before);

  const next = log.page({ verbose: true, count: 20, before: newest.older });
  expect(next.entries.map(formatEntry)).toEqual(first.slice(-40, -20).map(formatEntry));
});
