import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listUserlogs, parseUserlogName, readUserlog } from '../src';

// A module's script logs read for the web service: only userlog names, only regular files (a
// link or a fifo under such a name is neither listed nor read), newest first, the end of a file.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-userlogs-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const OLD = 'userlog_2026_12_01T101112123_start_prim.ulog';
const NEW = 'userlog_2026_12_02T000000001_stop_both.ulog';

test('lists the script logs newest first and reads the end of one', () => {
  writeFileSync(join(dir, OLD), 'starting\nstarted\n');
  writeFileSync(join(dir, NEW), 'x'.repeat(100));
  writeFileSync(join(dir, 'module.log'), 'not a script log');
  writeFileSync(join(dir, 'userlog_2026_13_01T000000000_bad.ulog'), 'month 13');
  // A link to a file this test can read: only O_NOFOLLOW keeps it from being read.
  writeFileSync(join(dir, 'elsewhere'), 'not a script log of this module');
  symlinkSync(join(dir, 'elsewhere'), join(dir, 'userlog_2026_12_03T000000000_linked.ulog'));
  execFileSync('mkfifo', [join(dir, 'userlog_2026_12_04T000000000_fifo.ulog')]);

  expect(listUserlogs(dir)).toEqual([
    { name: NEW, script: 'stop_both', at: '2026-12-02T00:00:00.001Z', bytes: 100 },
    { name: OLD, script: 'start_prim', at: '2026-12-01T10:11:12.123Z', bytes: 17 },
  ]);
  expect(readUserlog(dir, OLD, 1000)).toMatchObject({ text: 'starting\nstarted\n', truncated: false });
  expect(readUserlog(dir, OLD, 8)).toMatchObject({ text: 'started\n', truncated: true, bytes: 17 });
  expect(readUserlog(dir, 'userlog_2026_12_03T000000000_linked.ulog', 1000)).toBeUndefined();
  expect(readUserlog(dir, 'userlog_2026_12_04T000000000_fifo.ulog', 1000)).toBeUndefined();
  expect(readUserlog(dir, '../../etc/passwd', 1000)).toBeUndefined();
  expect(readUserlog(dir, 'module.log', 1000)).toBeUndefined();
  expect(parseUserlogName('userlog_2026_12_01T101112123_a/b.ulog')).toBeUndefined();
  expect(listUserlogs(join(dir, 'absent'))).toEqual([]);
});
