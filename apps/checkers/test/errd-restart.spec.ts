import { build } from './support/harness';

const ERRD = `<user/><errd polltimer="10s"><proc name="appd" action="restart" class="prim"/></errd>`;

// Reference §8.4 case 43, as the checkers service plays it: the application's process is gone on
// the PRIM, errd says so, sets proc.appd down and asks admin for a restart in its own name.
describe('errd with action="restart"', () => {
  it('sets proc.appd up while the process runs, and asks one restart by errd when it is gone', async () => {
    const { resource, state, processes, clock, sets, logs, commands } = await build(ERRD);
    processes.start('appd');
    await state('app', 'PRIM', 'Ready');
    await resource('window.prim', 'up');
    await clock.advance(10_000);
    expect(sets).toEqual(['proc.appd=up by errd']);

    processes.kill('appd');
    await clock.advance(10_000);
    expect(logs).toEqual(['E Process appd not running']);
    expect(sets.at(-1)).toBe('proc.appd=down by errd');
    expect(commands).toEqual(['restart -i errd']);

    // The restart is under way: nothing is asked again, however long it takes.
    await clock.advance(60_000);
    expect(commands).toHaveLength(1);
  });

  it('judges again once the restart closed and reopened the class, and acts again', async () => {
    const { resource, state, processes, clock, sets, commands } = await build(ERRD);
    await state('app', 'PRIM', 'Ready');
    await resource('window.prim', 'up');
    await clock.advance(10_000);
    expect(commands).toEqual(['restart -i errd']);

    await state('app', 'PRIM', 'Transient');
    await resource('window.prim', 'down');
    await resource('window.prim', 'up');
    await state('app', 'PRIM', 'Ready');
    await clock.advance(10_000);
    // Admin reset proc.appd to init with the window: errd says down again, and acts again.
    expect(sets).toEqual(['proc.appd=down by errd', 'proc.appd=down by errd']);
    expect(commands).toEqual(['restart -i errd', 'restart -i errd']);

    processes.start('appd');
    await state('app', 'PRIM', 'Transient');
    await state('app', 'PRIM', 'Ready');
    await clock.advance(10_000);
    expect(sets.at(-1)).toBe('proc.appd=up by errd');
    expect(commands).toHaveLength(2);
  });
});
