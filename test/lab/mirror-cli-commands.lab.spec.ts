import { join } from 'node:path';
import { mirrorScenario } from './lab-scenario';
import { MODULE, ROOT } from './keel-cluster';

// Issue 3: the module commands of the CLI not covered by the other scenarios, end to end on a
// running pair (node1 PRIM, node2 SECOND).
mirrorScenario('mirror cli commands', (c) => {
  test('restart -i <identity>: scripts only, logged with the identity', async () => {
    const from = await c().mark('node1');
    expect((await c().keel('node1', 'restart', '-i', 'mychecker')).code).toBe(0);
    await c().waitState('node1', 'PRIM');
    expect(await c().scripts('node1', from)).toEqual([
      'stop_prim PRIM PRIM restart',
      'stop_prim force PRIM PRIM restart',
      'stop_both PRIM PRIM restart',
      'stop_both force PRIM PRIM restart',
      'start_both PRIM PRIM restart',
      'start_prim PRIM PRIM restart',
    ]);
    expect(await c().log('node1')).toMatch(/ I Action restart called by mychecker/);
  });

  test('state -v lists the resources; -lq exits with the state code', async () => {
    const v = await c().keel('node1', 'state', '-v');
    expect(v.out).toMatch(/heartbeat\.default\s+up/);
    expect(v.out).toMatch(/state\.local\s+PRIM Ready/);
    expect(await c().keel('node2', 'state', '-lq')).toMatchObject({ code: 4, out: 'SECOND' });
  });

  test('printe reaches the normal log, printi the verbose one (logview)', async () => {
    await c().keel('node1', 'printe', 'an error from a script');
    await c().keel('node1', 'printi', 'a detail from a script');
    const normal = (await c().keel('node1', 'log')).out;
    expect(normal).toMatch(/ E an error from a script/);
    expect(normal).not.toMatch(/a detail from a script/);
    expect((await c().keel('node1', 'logview')).out).toMatch(/ V a detail from a script/);
  });

  test('boot, errd and checker settings persist and show as usersetting resources', async () => {
    expect((await c().keel('node1', 'boot', 'on')).code).toBe(0);
    expect(await c().keel('node1', 'boot', 'status')).toMatchObject({ code: 0, out: 'boot on' });
    expect((await c().keel('node1', 'errd', 'off')).code).toBe(0);
    expect((await c().keel('node1', 'checker', 'off')).code).toBe(0);
    expect(await c().keel('node1', 'get', '-r', 'usersetting.errd')).toMatchObject({ out: 'off' });
    expect(await c().keel('node1', 'get', '-r', 'usersetting.checker')).toMatchObject({ out: 'off' });
    expect(await c().keel('node1', 'boot', 'sometimes')).toMatchObject({ code: 2 });
  });

  test('KEEL_MODULE stands for -m, as inside module scripts', async () => {
    const r = await c().lab.exec('node2', [join(ROOT, 'apps/cli/bin/keel'), 'get', '-r', 'state.local'], {
      env: { KEEL_MODULE: MODULE },
    });
    expect(r.stdout.trim()).toBe('SECOND Ready');
  });

  test('stopstart on the PRIM fails over; it comes back by itself as SECOND', async () => {
    expect((await c().keel('node1', 'stopstart')).code).toBe(0);
    await c().waitState('node2', 'PRIM', 30);
    await c().waitState('node1', 'SECOND', 30);
    expect(await c().log('node1')).toMatch(/ I Action start called automatically/);
  });

  test('forcestop stops at once; waitstop and waitstart wait for the outcome', async () => {
    expect((await c().keel('node2', 'forcestop')).code).toBe(0);
    expect((await c().keel('node2', 'waitstop', '-t', '20')).code).toBe(0);
    await c().waitState('node1', 'ALONE');
    expect((await c().keel('node2', 'start')).code).toBe(0);
    expect(await c().keel('node2', 'waitstart', '-t', '20')).toMatchObject({ code: 0 });
    await c().waitState('node2', 'SECOND');
  });

  test('primforce makes a stopped node primary when the other is stopped too', async () => {
    await c().keel('node2', 'stop');
    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    expect((await c().keel('node2', 'primforce')).code).toBe(0);
    await c().waitState('node2', 'ALONE');
    expect(await c().log('node2')).toMatch(/ I Action primforce called by root/);
  });

  test('a bad command or an unknown module says what is allowed', async () => {
    const unknown = await c().lab.exec('node1', [join(ROOT, 'apps/cli/bin/keel'), 'start', '-m', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown module nosuch \(installed: mirror-demo\)/);
    const bad = await c().keel('node1', 'explode');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown command 'explode' \(allowed: confcheck, cluster, module, start, stop/);
    expect(bad.err).toMatch(/secondforce, rfssync, rfsdiff, rfsverify/);
    const farm = await c().keel('node1', 'farm', 'bitmap');
    expect(farm.code).toBe(1);
    expect(farm.err).toMatch(/farm bitmap applies to farm modules only; mirror-demo is a mirror module/);
  });
});
