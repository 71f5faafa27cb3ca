import { build } from './support/harness';

const ERRD = `<user nicestoptimeout="20s"><var name="APP_PORT" value="8080"/></user>
<errd polltimer="10s"><proc name="myappli" action="restart_myappli" class="myappli"/></errd>`;

// A handler action (reference §5.10, §8.5 case 68): the module's program runs with the scripts'
// environment; exit 0 = handled, anything else = stopstart by errd.
describe('an errd handler', () => {
  it('runs with the module, the resource and the script environment, once at a time', async () => {
    const { resource, clock, handlers, logs, commands } = await build(ERRD);
    await resource('errdclass.myappli', 'enabled');
    await clock.advance(10_000);
    expect(logs).toEqual(['E Process myappli not running']);
    expect(handlers.launched).toHaveLength(1);
    const launch = handlers.launched[0]!;
    expect(launch).toMatchObject({
      file: '/opt/app/bin/restart_myappli',
      args: ['app', 'proc.myappli'],
      timeoutMs: 20_000,
    });
    expect(launch.cwd).toMatch(/modules\/app\/bin$/);
    expect(launch.env).toMatchObject({ SAFEMODULE: 'app', APP_PORT: '8080' });
    expect(launch.logFile).toMatch(/userlog_.*_restart_myappli\.ulog$/);

    await clock.advance(30_000);
    expect(handlers.launched).toHaveLength(1);
    expect(commands).toEqual([]);
  });

  it('that exits 0 handled it: the next poll judges afresh', async () => {
    const { resource, clock, handlers, processes, logs, sets, commands } = await build(ERRD);
    await resource('errdclass.myappli', 'enabled');
    await clock.advance(10_000);
    processes.start('myappli');
    handlers.end({ code: 0 });
    await clock.advance(10_000);
    expect(logs).toEqual([
      'E Process myappli not running',
      'I errd handler restart_myappli handled proc.myappli',
    ]);
    expect(sets).toEqual(['proc.myappli=down by errd', 'proc.myappli=up by errd']);
    expect(commands).toEqual([]);
  });

  it.each([
    [{ code: 3 }, 'exited with code 3'],
    [{ signal: 'SIGSEGV' }, 'was killed by SIGSEGV'],
    [{ timedOut: true as const }, 'did not end within 20s (its process group was killed)'],
    [{ error: 'spawn EACCES' }, 'could not run: spawn EACCES'],
  ])('that ends with %j makes errd stopstart the module', async (end, said) => {
    const { resource, clock, handlers, logs, commands } = await build(ERRD);
    await resource('errdclass.myappli', 'enabled');
    await clock.advance(10_000);
    handlers.end(end);
    await clock.advance(0);
    expect(logs.at(-1)).toBe(`E errd handler restart_myappli for proc.myappli ${said}: stopstart`);
    expect(commands).toEqual(['stopstart -i errd']);
  });

  it('is killed when the service stops', async () => {
    const { sut, resource, clock, handlers } = await build(ERRD);
    await resource('errdclass.myappli', 'enabled');
    await clock.advance(10_000);
    await sut.close();
    expect(handlers.killed).toBe(1);
  });
});
