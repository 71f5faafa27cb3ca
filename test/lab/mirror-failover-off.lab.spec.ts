import { mirrorScenario } from './lab-scenario';

// Issue 3 / acceptance 8.2.21: with failover off, the SECOND does not take over.
mirrorScenario('mirror failover off', (c) => {
  test('failover off, stop the PRIM: node2 stopstarts into WAIT (NotReady)', async () => {
    expect((await c().keel('node2', 'failover', 'off')).code).toBe(0);
    const from2 = await c().mark('node2');
    expect((await c().keel('node1', 'stop')).code).toBe(0);
    await c().waitState('node1', 'STOP');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await c().state('node2')) !== 'WAIT (NotReady)')
      await new Promise((r) => setTimeout(r, 200));
    expect(await c().state('node2')).toBe('WAIT (NotReady)');
    const log = await c().log('node2');
    expect(log).toMatch(/ I Failover-off configured/);
    expect(log).toMatch(/ I Action stopstart called by failover-off/);
    expect(await c().keel('node2', 'get', '-r', 'usersetting.failover')).toMatchObject({ out: 'off' });
    // The application never started on node2: it only left SECOND, and waits.
    const scripts = await c().scripts('node2', from2);
    expect(scripts.filter((s) => s.startsWith('start_prim'))).toEqual([]);
    expect(scripts.slice(0, 4)).toEqual([
      'stop_sec SECOND WAIT stopstart',
      'stop_second SECOND WAIT stopstart',
      'stop_both SECOND WAIT stopstart',
      'transition SECOND WAIT stopstart',
    ]);
  });

  test('restarting node1 restores PRIM / SECOND', async () => {
    const from2 = await c().mark('node2');
    await c().keel('node1', 'start');
    await c().waitState('node1', 'PRIM');
    await c().waitState('node2', 'SECOND');
    expect(await c().log('node1')).toMatch(/ I Local state PRIM Ready/);
    // node2 went on from WAIT to SECOND, where the application is not run.
    expect((await c().scripts('node2', from2)).filter((s) => s.startsWith('start_prim'))).toEqual([]);
    expect(await c().scripts('node2', from2)).toContain('start_second WAIT SECOND start');
  });
});
