import { mirrorScenario } from './lab-scenario';
import { ALONE_TO_PRIM, SECOND_TO_ALONE, START_AS_SECOND } from './script-orders';

// Acceptance 8.2.15 on real nodes: stop on the PRIM, the SECOND becomes ALONE.
mirrorScenario('mirror stop primary', (c) => {
  test('stop on node1: node1 STOP, node2 ALONE with "remote stop" and the failover scripts', async () => {
    const from2 = await c().mark('node2');
    expect((await c().keel('node1', 'stop')).code).toBe(0);
    await c().waitState('node1', 'STOP');
    await c().waitState('node2', 'ALONE');
    expect(await c().scripts('node2', from2)).toEqual(SECOND_TO_ALONE);
    expect(await c().log('node2')).toMatch(/ I Action alone called by heart: remote stop/);
    expect((await c().scripts('node1')).slice(-3)).toEqual([
      'stop_both force WAIT STOP stop',
      'poststop WAIT STOP stop',
      'transition WAIT STOP stop',
    ]);
  });

  test('restarting the old primary makes it SECOND and the other PRIM', async () => {
    const [from1, from2] = [await c().mark('node1'), await c().mark('node2')];
    expect((await c().keel('node1', 'start')).code).toBe(0);
    await c().waitState('node1', 'SECOND');
    await c().waitState('node2', 'PRIM');
    expect(await c().scripts('node2', from2)).toEqual(ALONE_TO_PRIM);
    expect(await c().scripts('node1', from1)).toEqual(START_AS_SECOND);
    const log1 = await c().log('node1');
    expect(log1).toMatch(/ I Action start called by root/);
    expect(log1).toMatch(/ I Remote state ALONE Ready/);
    expect(log1).toMatch(/ I Reintegration ended \(synchronize\)/);
    expect(log1).toMatch(/ I Local state SECOND Ready/);
    expect(await c().log('node2')).toMatch(/ I Local state PRIM Ready/);
  });
});
