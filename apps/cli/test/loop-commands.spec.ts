import { HandlerError, rpcs, subjects, type BusPort, type LoopReport, type ModuleCommand } from '@keel/bus';
import { InMemoryBusNetwork } from '@keel/testing';
import { runCli } from '../src/cli';
import { recorder } from './recorder';

// incloop, resetloop, checkloop and errd enable|disable from a script (reference §6.6, §8.5 case
// 70): what they ask of admin, what they print and how they exit. Admin is played here.
async function node(reply: (c: ModuleCommand) => object) {
  const network = new InMemoryBusNetwork();
  const admin = network.connect({ source: { service: 'admin', node: 'node1' } });
  const asked: string[] = [];
  await admin.serve(subjects.cmd('demo', 'cli'), rpcs.moduleCommand, (m: { payload: ModuleCommand }) => {
    const c = m.payload;
    asked.push([c.name, ...c.args, ...(c.identity ? ['-i', c.identity] : [])].join(' '));
    return reply(c);
  });
  const run = async (...argv: string[]) => {
    const io = recorder({ KEEL_VAR: '/nonexistent-keel-var', SAFEMODULE: 'demo' });
    const code = await runCli(
      argv,
      io,
      async () => network.connect({ source: { service: 'cli', node: 'node1' } }) as BusPort,
    );
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };
  return { asked, run };
}

const report = (count: number, extra: Partial<LoopReport> = {}): { detail: string } => ({
  detail: JSON.stringify({
    module: 'demo',
    count,
    maxloop: 3,
    loopIntervalHours: 24,
    since: '2026-12-07T10:00:00.000Z',
    reached: count >= 3,
    ...extra,
  }),
});

describe('maxloop commands', () => {
  it.each([
    [
      ['incloop', '-i', 'restart_app'],
      2,
      0,
      'incloop -i restart_app',
      'demo: maxloop 2 of 3 since 2026-12-07T10:00:00.000Z (loop_interval 24h): not reached',
    ],
    [
      ['incloop', '-i', 'restart_app'],
      3,
      1,
      'incloop -i restart_app',
      'demo: maxloop 3 of 3 since 2026-12-07T10:00:00.000Z (loop_interval 24h): reached: the next automatic action stops the module',
    ],
    [
      ['checkloop'],
      1,
      0,
      'checkloop',
      'demo: maxloop 1 of 3 since 2026-12-07T10:00:00.000Z (loop_interval 24h): not reached',
    ],
    [
      ['checkloop', '-m', 'demo'],
      3,
      1,
      'checkloop',
      'demo: maxloop 3 of 3 since 2026-12-07T10:00:00.000Z (loop_interval 24h): reached: the next automatic action stops the module',
    ],
    [
      ['resetloop'],
      0,
      0,
      'resetloop',
      'demo: maxloop 0 of 3 since 2026-12-07T10:00:00.000Z (loop_interval 24h): not reached',
    ],
  ])('keel %j with count %i exits %i', async (argv, count, code, asked, out) => {
    const n = await node(() => report(count));
    expect(await n.run(...argv)).toEqual({ code, out, err: '' });
    expect(n.asked).toEqual([asked]);
  });

  it('says when loop_interval="0" turned the counter off', async () => {
    const n = await node(() => report(0, { loopIntervalHours: 0 }));
    expect(await n.run('checkloop')).toMatchObject({ code: 0, out: 'demo: maxloop off (loop_interval 0)' });
  });

  it.each([
    [['incloop'], /incloop needs -i <identity>/],
    [['checkloop', '-i', 'x'], /unknown option -i/],
    [['resetloop', 'now'], /usage: keel resetloop/],
  ])('keel %j is a usage error that asks nothing', async (argv, message) => {
    const n = await node(() => report(0));
    const r = await n.run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(n.asked).toEqual([]);
  });
});

describe('keel errd', () => {
  it.each([
    [['errd', 'enable', 'myappli'], 'errd enable myappli'],
    [['errd', 'disable', 'myappli', '-i', 'restart_myappli'], 'errd disable myappli -i restart_myappli'],
    [['errd', 'list'], 'errd list'],
    [['errd', 'off'], 'errd off'],
  ])('%j asks admin', async (argv, asked) => {
    const n = await node(() => ({ detail: 'done' }));
    expect(await n.run(...argv)).toMatchObject({ code: 0, out: 'done' });
    expect(n.asked).toEqual([asked]);
  });

  it.each([[['errd', 'enable']], [['errd', 'on', 'x']], [['errd', 'maybe']]])(
    '%j is a usage error',
    async (argv) => {
      const n = await node(() => ({}));
      expect(await n.run(...argv)).toMatchObject({
        code: 2,
        err: expect.stringMatching(/usage: keel errd on\|off\|list/),
      });
      expect(n.asked).toEqual([]);
    },
  );

  it("a class admin does not know is admin's refusal, exit 1", async () => {
    const n = await node(() => {
      throw new HandlerError('BAD_ARGS', 'errd enable takes a class of the module');
    });
    expect(await n.run('errd', 'enable', 'nope')).toMatchObject({
      code: 1,
      err: 'keel errd: errd enable takes a class of the module',
    });
  });
});
