import { build } from './support/harness';

const ERRD = `<user/><errd polltimer="10s"><proc name="appd" action="restart" class="prim"/></errd>`;

// A scan that fails says nothing of any process: no resource, no action, one line until it reads again.
test('processes that cannot be read are said once and never acted on', async () => {
  const { resource, clock, processes, sets, logs, commands } = await build(ERRD);
  processes.failure = 'cannot list /proc: EACCES';
  await resource('window.prim', 'up');
  await clock.advance(30_000);
  expect(processes.scans).toBe(3);
  expect(logs).toEqual(["E errd cannot read the node's processes: cannot list /proc: EACCES"]);
  expect(sets).toEqual([]);
  expect(commands).toEqual([]);

  processes.failure = undefined;
  processes.start('appd');
  await clock.advance(10_000);
  expect(sets).toEqual(['proc.appd=up by errd']);
});
