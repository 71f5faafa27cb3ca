import { build } from './support/harness';

const ERRD = `<user/><errd polltimer="10s">
  <proc name="nginx" service="yes" action="restart" restart_services="nginx, php-fpm" class="prim"/>
</errd>`;

// service="yes" (reference §5.10): systemd says whether the unit runs; restart_services reaches
// the restart's scripts as `-Services "S1, S2"` (§8.5 case 69).
test('a unit that stops is a detection, and the restart names the services', async () => {
  const { resource, clock, units, processes, sets, logs, commands } = await build(ERRD);
  units.states.set('nginx', { active: true });
  await resource('window.prim', 'up');
  await clock.advance(10_000);
  expect(sets).toEqual(['proc.nginx=up by errd']);
  expect(processes.scans).toBe(0);

  units.states.set('nginx', { active: false });
  await clock.advance(10_000);
  expect(logs).toEqual(['E Service nginx not running']);
  expect(commands).toEqual(['restart -Services nginx, php-fpm -i errd']);
});

test('systemd that cannot be asked is said once, and judges nothing', async () => {
  const { resource, clock, units, sets, logs, commands } = await build(ERRD);
  units.states.set('nginx', { error: 'spawn /usr/bin/systemctl ENOENT' });
  await resource('window.prim', 'up');
  await clock.advance(30_000);
  expect(logs).toEqual(['E errd cannot ask systemd about nginx: spawn /usr/bin/systemctl ENOENT']);
  expect(sets).toEqual([]);
  expect(commands).toEqual([]);
});
