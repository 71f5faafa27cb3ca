import { build } from './support/harness';

const ERRD = `<user/><errd polltimer="10s"><proc name="appd" action="stopstart" class="prim"/></errd>`;

// An action admin does not take is asked again at the next poll that still finds the process
// missing; the refusal is said in the module log.
test('a refused stopstart is asked again at the next poll', async () => {
  const { resource, clock, refusing, logs, commands } = await build(ERRD);
  refusing.set('stopstart', 'the module is already stopped');
  await resource('window.prim', 'up');
  await clock.advance(10_000);
  expect(commands).toEqual(['stopstart -i errd']);
  expect(logs).toEqual([
    'E Process appd not running',
    'E Action stopstart asked by errd was not taken: the module is already stopped',
  ]);
  refusing.clear();
  await clock.advance(10_000);
  expect(commands).toEqual(['stopstart -i errd', 'stopstart -i errd']);
  await clock.advance(30_000);
  expect(commands).toHaveLength(2);
});
