import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendCommandLog,
  commandLogLine,
  readCommandLog,
  type CommandLogStart,
} from '../src/node/command-log';

// The commands log file: one JSON entry a line (an argument cannot forge a line), rotated to one
// older file past its size, a line cut by a crash skipped, never written through a link.
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-cmdlog-'));
  file = join(dir, 'commands.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const start = (id: string, command = 'start -m demo'): CommandLogStart => ({
  at: '2026-12-07T21:00:00.123Z',
  id,
  phase: 'START',
  module: 'demo',
  command,
  caller: 'root',
});

it("prints SafeKit's raw lines, and a forged newline stays inside its entry", () => {
  appendCommandLog(file, start('7.1', 'set -m demo -r r -v "x\\n| forged | END | 0"'));
  appendCommandLog(file, {
    at: '2026-12-07T21:00:01.000Z',
    id: '7.1',
    phase: 'END',
    code: 1,
    error: 'REFUSED: no',
  });
  expect(readCommandLog(file).map(commandLogLine)).toEqual([
    '| 2026-12-07 21:00:00.123000 | keel | demo | 7.1 | START | set -m demo -r r -v "x\\n| forged | END | 0" -u root',
    '| 2026-12-07 21:00:01.000000 |  |  | 7.1 | END | 1 REFUSED: no',
  ]);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  appendCommandLog(file, { ...start('7.2'), caller: 'eve\n| 2026 | keel | x' });
  expect(commandLogLine(readCommandLog(file).at(-1)!)).toContain('-u eve\\x0a| 2026 | keel | x');
});

it('rotates past the size, keeps one older file, and reads both in order', () => {
  for (let i = 1; i <= 9; i += 1) appendCommandLog(file, start(`1.${i}`), 400);
  const ids = readCommandLog(file).map((e) => e.id);
  expect(ids.at(-1)).toBe('1.9');
  expect(ids).toEqual([...ids].sort());
  expect(ids.length).toBeLessThan(9);
  expect(readCommandLog(file, 2).map((e) => e.id)).toEqual(['1.8', '1.9']);
  expect(readFileSync(`${file}.1`, 'utf8').length).toBeGreaterThan(0);
});

it('skips a line cut by a crash, and refuses to write through a link', () => {
  appendCommandLog(file, start('1.1'));
  appendFileSync(file, '{"at":"2026-12-07T21:0');
  expect(readCommandLog(file).map((e) => e.id)).toEqual(['1.1']);
  const target = join(dir, 'elsewhere');
  writeFileSync(target, '');
  const link = join(dir, 'linked.log');
  symlinkSync(target, link);
  expect(() => appendCommandLog(link, start('1.2'))).toThrow('not a regular file');
  expect(readFileSync(target, 'utf8')).toBe('');
});
