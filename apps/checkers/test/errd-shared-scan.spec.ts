import { build } from './support/harness';

const errd = (polltimer: string, ...names: string[]) =>
  `<user/><errd polltimer="${polltimer}">${names.map((n) => `<proc name="${n}" action="restart" class="prim"/>`).join('')}</errd>`;

// One scan of the node's processes per due poll, whatever the number of modules and <proc>s:
// polls fall on multiples of their polltimer, where the other modules' fall too.
test('modules polling at the same moment share one scan', async () => {
  const { resource, processes, clock } = await build(errd('10s', 'appd'), {
    other: errd('10s', 'a', 'b'),
    slow: errd('30s', 'c'),
  });
  for (const name of ['appd', 'a', 'b', 'c']) processes.start(name);
  await resource('window.prim', 'up');
  await clock.advance(30_000);
  expect(processes.scans).toBe(3);

  await resource('window.prim', 'up', 'other');
  await resource('window.prim', 'up', 'slow');
  await clock.advance(60_000);
  // Every 10 s one scan for app and other together; slow's every 30 s falls on theirs.
  expect(processes.scans).toBe(3 + 6);
});
