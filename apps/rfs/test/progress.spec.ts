// A reintegration's progress from the daemon's stats (progressOf): rate since it began, and the
// time left once the tree is counted.
import { progressOf } from '../src/core/progress';
import { stats } from './support/stats';

test('no reintegration in this daemon yet: no progress', () => {
  expect(progressOf(stats({ live_ops: 4 }))).toBeUndefined();
});

test('a running reintegration: the rate since it began and the time left at that rate', () => {
  const p = progressOf(
    stats({
      rei_running: true,
      rei_run: 1,
      rei_pass: 1,
      rei_files_done: 25,
      rei_files_total: 100,
      rei_bytes_done: 3_000_000,
      rei_bytes_total: 10_000_000,
      rei_copied_bytes: 4096,
      rei_ms: 2_000,
    }),
  );
  expect(p).toEqual({
    running: true,
    pass: 1,
    filesDone: 25,
    filesTotal: 100,
    bytesDone: 3_000_000,
    bytesTotal: 10_000_000,
    copiedBytes: 4096,
    elapsedMs: 2_000,
    bytesPerSecond: 1_500_000,
    etaSeconds: 5,
  });
});

test('before the tree is counted there is a rate but no time left', () => {
  const p = progressOf(
    stats({ rei_running: true, rei_run: 1, rei_pass: 1, rei_bytes_done: 100, rei_ms: 1000 }),
  );
  expect(p?.bytesPerSecond).toBe(100);
  expect(p?.etaSeconds).toBeUndefined();
});

test('an ended reintegration has no time left', () => {
  const p = progressOf(
    stats({
      rei_run: 1,
      rei_pass: 1,
      rei_bytes_done: 10,
      rei_bytes_total: 10,
      rei_files_total: 1,
      rei_ms: 10,
    }),
  );
  expect(p).toMatchObject({ running: false, bytesPerSecond: 1000 });
  expect(p?.etaSeconds).toBeUndefined();
});
