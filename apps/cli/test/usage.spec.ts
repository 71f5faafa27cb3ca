import { runCli } from '../src/cli';
import { recorder } from './recorder';

// A bad command line says what is allowed and exits 2 without doing anything.
describe('keel usage errors', () => {
  it.each([
    [['frobnicate'], /unknown command 'frobnicate' \(allowed: confcheck, cluster, module, start,/],
    [
      ['cluster', 'explode'],
      /unknown cluster command 'explode' \(allowed: confcheck, config, confinfo, state, genkey, delkey\)/,
    ],
    [
      ['cluster'],
      /unknown cluster command '' \(allowed: confcheck, config, confinfo, state, genkey, delkey\)/,
    ],
    [['frobnicate'], /secondforce, rfssync, rfsdiff, rfsverify/],
    [['confcheck'], /usage: keel confcheck <module dir \| userconfig\.xml>/],
    [['confcheck', 'a', 'b'], /usage: keel confcheck/],
    [['confcheck', 'a', '--cluster'], /--cluster needs a file/],
    [['confcheck', 'a', '--verbose'], /unknown option --verbose/],
    [['cluster', 'confcheck', '--all'], /usage: keel cluster confcheck/],
  ])('%j', async (argv, message) => {
    const io = recorder();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stdout).toEqual([]);
  });

  it('prints the command list without arguments and exits 2', async () => {
    const io = recorder();
    expect(await runCli([], io)).toBe(2);
    expect(io.stdout[0]).toMatch(/^usage: keel <command>/);
  });
});
