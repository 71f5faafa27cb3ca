import { argvNeededBy, parseStat, procSelector, selects, type ProcessEntry } from '../src';

const proc = (comm: string, argv?: string[]): ProcessEntry => ({ pid: 10, ppid: 1, comm, start: 1, argv });

// errd's matching of a <proc> (reference §5.10), on process entries as the scan gives them.
describe('a proc selector', () => {
  it.each([
    ['by name, exactly', { name: 'httpd' }, proc('httpd'), true],
    ['not a prefix', { name: 'http' }, proc('httpd'), false],
    ['case-sensitive', { name: 'Httpd' }, proc('httpd'), false],
    [
      'a long name by its first 15 characters',
      { name: 'my_long_application' },
      proc('my_long_applica'),
      true,
    ],
    ['nameregex on the command name', { name: 'web', nameregex: '^(httpd|nginx)$' }, proc('nginx'), true],
    ['nameregex instead of the name', { name: 'nginx', nameregex: '^httpd$' }, proc('nginx'), false],
    [
      'argregex on the arguments joined by spaces',
      { name: 'java', argregex: '-jar app[.]jar' },
      proc('java', ['/usr/bin/java', '-jar', 'app.jar']),
      true,
    ],
    [
      'argregex includes the program',
      { name: 'java', argregex: '^/usr/bin/java ' },
      proc('java', ['/usr/bin/java', '-jar', 'app.jar']),
      true,
    ],
    ['argregex, other arguments', { name: 'java', argregex: 'other' }, proc('java', ['java', 'x']), false],
    ['argregex with arguments not read', { name: 'java', argregex: 'x' }, proc('java'), false],
    ['argregex is case-sensitive', { name: 'java', argregex: 'APP' }, proc('java', ['java', 'app']), false],
  ])('%s', (_what, p, entry, expected) => {
    expect(selects(procSelector(p), entry)).toBe(expected);
  });

  it('asks for the arguments of the names an argregex may pick only', () => {
    const need = argvNeededBy([
      procSelector({ name: 'java', argregex: 'app' }),
      procSelector({ name: 'web', nameregex: '^ng', argregex: 'conf' }),
      procSelector({ name: 'httpd' }),
    ]);
    expect(['java', 'nginx', 'httpd', 'bash'].filter(need)).toEqual(['java', 'nginx']);
  });
});

describe('parseStat', () => {
  it.each([
    ['1234 (sleep) S 1 1234 1234 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 98765 ', 'sleep', 'S', 1, 98765],
    ['7 (a) b (c)) R 6 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 ', 'a) b (c)', 'R', 6, 42],
    ['9 (zombie) Z 8 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 ', 'zombie', 'Z', 8, 5],
  ])('%s', (text, comm, state, ppid, start) => {
    expect(parseStat(text)).toEqual({ pid: Number(text.split(' ')[0]), comm, state, ppid, start });
  });

  it('says nothing of a line it cannot read', () => {
    expect(parseStat('garbage')).toBeUndefined();
  });
});
