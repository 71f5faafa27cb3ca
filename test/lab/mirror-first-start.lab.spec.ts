import { describeLab } from './helpers';
import { KeelCluster } from './keel-cluster';

// Issue 3, lab scenario "first start": `prim` on one node, `second` on the other -> PRIM/SECOND,
// with the scripts of reference §6.5 in order on each node and the log lines of the reference.
describeLab('mirror first start', () => {
  let c: KeelCluster;
  beforeAll(async () => {
    c = await KeelCluster.create('first');
  });
  afterAll(async () => {
    await c?.destroy();
  });

  test('prim on node1 gives ALONE; second on node2 then gives PRIM / SECOND', async () => {
    expect(await c.state('node1')).toBe('STOP (NotReady)');
    expect((await c.keel('node1', 'prim')).code).toBe(0);
    await c.waitState('node1', 'ALONE');
    expect((await c.keel('node2', 'second')).code).toBe(0);
    await c.waitState('node2', 'SECOND');
    await c.waitState('node1', 'PRIM');

    expect(await c.scripts('node1')).toEqual([
      'transition STOP WAIT start',
      'prestart STOP WAIT start',
      'transition WAIT ALONE start',
      'start_both WAIT ALONE start',
      'start_prim WAIT ALONE start',
      'start_sec WAIT ALONE start',
      'stop_sec ALONE PRIM start',
      'transition ALONE PRIM start',
    ]);
    expect(await c.scripts('node2')).toEqual([
      'transition STOP WAIT start',
      'prestart STOP WAIT start',
      'transition WAIT SECOND start',
      'start_both WAIT SECOND start',
      'start_second WAIT SECOND start',
      'start_sec WAIT SECOND start',
    ]);
    const log1 = await c.log('node1');
    expect(log1).toMatch(/ I Action prim called by root/);
    expect(log1).toMatch(/ I Local state ALONE Ready/);
    expect(log1).toMatch(/ I Remote state SECOND Ready/);
    expect(log1).toMatch(/ I Local state PRIM Ready/);
    expect(await c.log('node2')).toMatch(/ I Action second called by root/);
  });
});
