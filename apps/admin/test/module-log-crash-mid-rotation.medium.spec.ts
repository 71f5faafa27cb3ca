import { appendFileSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModuleLog } from '../src/adapters/module-log';
import { formatEntry } from '../src/log/log-line';
import { allLines, nth, pageThrough } from './support/module-log-files';

// Real files: admin died in the middle of a rotation (the current file renamed, the oldest
// rotated file not deleted yet) and in the middle of a line. The next admin loses no line that
// was written, starts its lines on their own line, and deletes the extra file at its next rotation.
const dir = mkdtempSync(join(tmpdir(), 'keel-log-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a crash between the rename and the deletion, and in a line, loses nothing written', () => {
  const file = join(dir, 'module.log');
  const settings = { maxBytes: 1024, keep: 2 };
  const before = new FileModuleLog(file, settings);
  const written = Array.from({ length: 60 }, (_, n) => nth(n)).map((e) => (before.write(e), formatEntry(e)));
  // The crash: the rotation's rename done, its deletion not; then a line cut by the crash.
  const rotated = readdirSync(dir).filter((n) => n !== 'module.log');
  const next = Math.max(...rotated.map((n) => Number(n.split('.').at(-1)))) + 1;
  renameSync(file, join(dir, `module.log.${next}`));
  const cut = '2026-01-01 00:00:00.000 I cut by a cra';
  appendFileSync(file, cut);
  // Every line written before the crash that the kept files hold, oldest first.
  const survived = allLines(dir);
  expect(survived).toEqual(written.slice(written.length - survived.length));
  expect(readdirSync(dir)).toHaveLength(settings.keep + 2);

  const after = new FileModuleLog(file, settings);
  expect(pageThrough(after)).toEqual([...survived, cut]);

  const more = Array.from({ length: 60 }, (_, n) => nth(100 + n)).map(formatEntry);
  after.write(nth(100));
  expect(pageThrough(after).slice(-2)).toEqual([cut, more[0]]);
  Array.from({ length: 59 }, (_, n) => nth(101 + n)).forEach((e) => after.write(e));
  expect(readdirSync(dir)).toHaveLength(settings.keep + 1);
  // Every line kept is one that was written, in order; the cut line ends where it was cut.
  const history = [...survived, cut, ...more];
  const kept = allLines(dir);
  expect(kept).toEqual(history.slice(history.length - kept.length));
  expect(pageThrough(after)).toEqual(kept);
});
