import { describeLab } from './helpers';
import { KeelCluster } from './keel-cluster';
import { ALONE_TO_PRIM, START_ALONE, START_AS_SECOND } from './script-orders';

// Issue 3, lab scenario "first start" (reference §3.3, acceptance 8.2.12-13): a freshly configured
// pair with a replicated directory waits in WAIT on both nodes; `prim` on one and `second` on the
// other give PRIM / SECOND after a full copy, with the scripts of §6.5 in order on each node.
describeLab('mirror first start', () => {
  let c: KeelCluster;
  beforeAll(async () => {
    c = await KeelCluster.create('first');
  });
  afterAll(async () => {
    await c?.destroy();
  });

  test('start on both nodes of a fresh pair: both WAIT (NotReady), waiting for a primary with valid data', async () => {
    expect(await c.state('node1')).toBe('STOP (NotReady)');
    await Promise.all([c.keel('node1', 'start'), c.keel('node2', 'start')]);
    for (const node of ['node1', 'node2'] as const) {
      await c.waitState(node, 'WAIT');
      const log = await c.log(node);
      expect(log).toMatch(/ I Action wait from failover rule rfs_notuptodate_server/);
      expect(log).toMatch(
        / I Data may be not uptodate for replicated directories \(wait for the start of the remote server\)/,
      );
      expect(log).toMatch(/If you are sure that this server has valid data, run safekit prim/);
    }
    // Nobody may become primary on data nobody vouched for, however long they wait.
    await new Promise((r) => setTimeout(r, 2_000));
    expect([await c.state('node1'), await c.state('node2')]).toEqual(['WAIT (NotReady)', 'WAIT (NotReady)']);
  });

  test('prim on node1 gives ALONE; second on node2 copies everything, then PRIM / SECOND', async () => {
    for (const node of ['node2', 'node1'] as const) {
      await c.keel(node, 'stop');
      await c.waitState(node, 'STOP');
    }
    const [m1, m2] = [await c.mark('node1'), await c.mark('node2')];
    expect((await c.keel('node1', 'prim')).code).toBe(0);
    await c.waitState('node1', 'ALONE');
    expect(await c.hit('node1')).toBe('hello from node1 (hit 1)');
    expect((await c.keel('node2', 'second')).code).toBe(0);
    await c.waitState('node2', 'SECOND');
    await c.waitState('node1', 'PRIM');

    expect(await c.scripts('node1', m1)).toEqual([...START_ALONE, ...ALONE_TO_PRIM]);
    expect(await c.scripts('node2', m2)).toEqual(START_AS_SECOND);
    const log1 = await c.log('node1');
    expect(log1).toMatch(/ I Action prim called by root/);
    expect(log1).toMatch(/ I Local state ALONE Ready/);
    expect(log1).toMatch(/ I Remote state SECOND Ready/);
    expect(log1).toMatch(/ I Local state PRIM Ready/);
    const log2 = await c.log('node2');
    expect(log2).toMatch(/ I Action second called by root/);
    expect(log2).toMatch(/ I Updating directory tree from \/var\/lib\/mirror-demo/);
    expect(log2).toMatch(/ I Reintegration ended \(synchronize\)/);

    // The hit written while node1 was alone came over in the full copy; a new one is mirrored.
    expect(await c.hit('node1')).toBe('hello from node1 (hit 2)');
    expect((await c.hits('node2')).map((l) => l.split(' ')[0])).toEqual(['node1', 'node1']);
  });
});
