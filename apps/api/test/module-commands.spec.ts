import { checkCommand, COMMAND_BODY, isApiCommand } from '../src/web/module-commands';

// The API's module commands: what each takes, and whether it reads (Monitor) or acts (Control).
const sut = (name: string, args: string[] = [], identity?: string) => {
  if (!isApiCommand(name)) return 'not a command';
  const r = checkCommand(name, COMMAND_BODY.parse({ args, ...(identity ? { identity } : {}) }));
  return r.ok ? r.role : `${r.field}: ${r.message}`;
};

it.each([
  ['start', []],
  ['prim', ['fullsync']],
  ['second', []],
  ['swap', ['nosync']],
  ['failover', ['off']],
  ['boot', ['on']],
  ['errd', ['disable', 'web']],
  ['farm', ['close']],
  ['set', ['custom.x', 'up']],
  ['printe', ['a line']],
  ['resetloop', []],
  ['secondforce', ['2026-01-02T03:04:05Z']],
  ['rfssync', ['full']],
  ['rfssync', ['external', 'second', 'backup-1']],
])('%s %j acts: Control', (name, args) => {
  expect(sut(name, args as string[])).toBe('Control');
});

it.each([
  ['boot', ['status']],
  ['errd', ['list']],
  ['farm', ['bitmap']],
  ['checkloop', []],
  ['rfssync', []],
  ['rfsdiff', []],
  ['rfsverify', []],
])('%s %j only reads: Monitor', (name, args) => {
  expect(sut(name, args as string[])).toBe('Monitor');
});

it.each([
  ['start', ['now'], 'args: takes no arguments'],
  ['prim', ['nosync'], 'args: expected nothing or one of fullsync'],
  ['failover', [], 'args: expected one of on, off'],
  ['rfssync', ['external'], 'args: expected [external, prim|second, <uid>]'],
  ['rfssync', ['-d', 'primary', 'b1'], 'args: expected [-d, prim|second, <uid>]'],
  ['rfssync', ['fast'], 'args: expected one of full, default'],
  ['rfsverify', ['now'], 'args: takes no arguments'],
  [
    'secondforce',
    ['$(reboot)'],
    'args: expected [<date>]: YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z]',
  ],
  ['errd', ['enable'], 'args[1]: errd enable takes one class name'],
  ['set', ['a b', 'up'], 'args[0]: a resource name matches ^[A-Za-z0-9_.-]{1,128}$'],
  ['set', ['x', 'tab\there'], 'args[1]: printable ASCII, 1 to 256 characters'],
  ['printi', ['two\nlines'], 'args: expected one line of text'],
  ['incloop', [], 'identity: incloop needs the identity of the handler whose recovery it counts'],
])('%s %j is refused naming the field', (name, args, why) => {
  expect(sut(name, args as string[])).toBe(why);
});

it('sends neither shutdown (admin keeps it for SIGTERM) nor the commands with routes of their own', () => {
  expect(['shutdown', 'state', 'get', 'log', 'constructor'].map((c) => sut(c))).toEqual(
    Array(5).fill('not a command'),
  );
});

it('incloop counts for the handler its identity names', () => {
  expect(sut('incloop', [], 'errd')).toBe('Control');
});
