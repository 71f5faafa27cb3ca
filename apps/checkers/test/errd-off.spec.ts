import { build } from './support/harness';

const ERRD = `<user/><errd polltimer="10s"><proc name="appd" action="restart" class="prim"/></errd>`;

// `errd off` (reference §5.10): nothing of the module is polled at all until `errd on`.
test('errd off stops every scan of the module, errd on resumes them and says again what it sees', async () => {
  const { resource, processes, clock, sets, commands } = await build(ERRD);
  await resource('window.prim', 'up');
  processes.start('appd');
  await clock.advance(10_000);
  expect(processes.scans).toBe(1);

  await resource('usersetting.errd', 'off');
  processes.kill('appd');
  await clock.advance(60_000);
  expect(processes.scans).toBe(1);
  expect(commands).toEqual([]);

  processes.start('appd');
  await resource('usersetting.errd', 'on');
  await clock.advance(10_000);
  expect(processes.scans).toBe(2);
  expect(sets).toEqual(['proc.appd=up by errd', 'proc.appd=up by errd']);
});

test('nothing is polled while no class of the module is active', async () => {
  const { resource, processes, clock } = await build(ERRD);
  await clock.advance(60_000);
  await resource('window.second', 'up');
  await clock.advance(60_000);
  expect(processes.scans).toBe(0);
});
