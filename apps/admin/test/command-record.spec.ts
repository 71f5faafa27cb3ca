import { HandlerError, type ModuleCommand } from '@keel/bus';
import type { CommandLogEntry } from '@keel/config';
import { commandLine, isRecorded, recorded } from '../src/modules/command-record';

// What admin writes in the commands log: acting commands with START and END (a refusal too);
// reading ones, printi and printe not at all.
const c = (name: string, args: string[] = [], identity?: string): ModuleCommand =>
  ({ module: 'demo', name, args, ...(identity ? { identity } : {}) }) as ModuleCommand;

function build() {
  const entries: CommandLogEntry[] = [];
  let n = 0;
  const sut = (command: ModuleCommand, run: () => Promise<{ detail?: string }>) =>
    recorded(
      { record: (e) => entries.push(e) },
      () => `9.${++n}`,
      () => new Date('2026-12-07T21:00:00Z'),
      command,
      'ann@10.0.0.3',
      run,
    );
  return { sut, entries };
}

it('records acting commands only', () => {
  for (const read of [
    c('state'),
    c('get', ['r']),
    c('log'),
    c('checkloop'),
    c('boot', ['status']),
    c('errd', ['list']),
    c('farm', ['bitmap']),
    c('printi', ['x']),
  ])
    expect(isRecorded(read)).toBe(false);
  for (const act of [
    c('start'),
    c('boot', ['on']),
    c('errd', ['off']),
    c('farm', ['open']),
    c('set', ['r', 'up']),
    c('resetloop'),
  ])
    expect(isRecorded(act)).toBe(true);
});

it("writes the command as keel's CLI would, quoting what a shell would split", () => {
  expect(commandLine(c('set', ['custom.r1', 'up'], 'errd'))).toBe('set -m demo -r custom.r1 -v up -i errd');
  expect(commandLine(c('errd', ['enable', 'my class']))).toBe('errd -m demo enable "my class"');
});

it('writes START and END around a command, and the refusal of one refused', async () => {
  const { sut, entries } = build();
  await sut(c('start'), async () => ({ detail: 'ok' }));
  await expect(
    sut(c('swap'), async () => Promise.reject(new HandlerError('REFUSED', 'not PRIM'))),
  ).rejects.toThrow('not PRIM');
  await sut(c('state'), async () => ({}));
  expect(
    entries.map((e) =>
      e.phase === 'START'
        ? `${e.id} START ${e.command} by ${e.caller}`
        : `${e.id} END ${e.code} ${e.error ?? ''}`,
    ),
  ).toEqual([
    '9.1 START start -m demo by ann@10.0.0.3',
    '9.1 END 0 ',
    '9.2 START swap -m demo by ann@10.0.0.3',
    '9.2 END 1 REFUSED: not PRIM',
  ]);
});
