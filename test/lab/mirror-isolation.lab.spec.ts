import { mirrorScenario } from './lab-scenario';
import { ALONE_TO_PRIM, SECOND_TO_ALONE, START_AS_SECOND, waitToStop } from './script-orders';

// Issue 3 / reference §3.10, acceptance 8.2.29: both heartbeat LANs cut without a witness -> both
// ALONE (each logs its heartbeats down, the remote UNKNOWN, ALONE Ready). On reconnection each
// sees the other ALONE; the former PRIM stays alone, the former SECOND exits alone: stop_prim, a
// stopstart, and a reintegration from the other node that drops what it wrote while isolated.
mirrorScenario('mirror isolation', (c) => {
  let isolatedHit: string;

  test('partitioning both LANs makes both nodes ALONE, each serving on its own', async () => {
    const [m1, m2] = [await c().mark('node1'), await c().mark('node2')];
    // Each node kept on a switch of its own on the VIP's LAN: the cut is elsewhere in the network
    // and the VIP's link keeps its carrier (a pulled cable is the interface checker's case:
    // interface_failure puts the node in WAIT, checker-interface.lab.spec.ts).
    await c().lab.partition('default', [['node1'], ['node2']]);
    await c().lab.partition('private');
    await c().waitState('node2', 'ALONE');
    await c().waitState('node1', 'ALONE');
    for (const node of ['node1', 'node2'] as const) {
      const log = await c().log(node);
      expect(log).toMatch(/ I Resource heartbeat\.default set to down by heart$/m);
      expect(log).toMatch(/ I Resource heartbeat\.private set to down by heart$/m);
      expect(log).toMatch(/ I Remote state UNKNOWN/);
      expect(log).toMatch(/ I Local state ALONE Ready/);
    }
    expect(await c().log('node2')).toMatch(/ I Action alone called by heart: no heartbeat/);
    // §6.5: PRIM -> ALONE on node1, SECOND -> ALONE (failover) on node2.
    expect(await c().scripts('node1', m1)).toEqual([
      'transition PRIM ALONE start',
      'start_sec PRIM ALONE start',
    ]);
    expect(await c().scripts('node2', m2)).toEqual(SECOND_TO_ALONE);
    // Both applications run and write: the split brain the reconnection has to resolve.
    expect(await c().hit('node1')).toBe('hello from node1 (hit 1)');
    isolatedHit = await c().hit('node2');
    expect(isolatedHit).toBe('hello from node2 (hit 1)');
  });

  test('healing them: node1 stays alone, node2 exits alone, resynchronises and ends SECOND', async () => {
    const [m1, m2] = [await c().mark('node1'), await c().mark('node2')];
    await c().lab.heal('default');
    await c().lab.heal('private');
    await c().waitState('node2', 'SECOND', 30);
    await c().waitState('node1', 'PRIM');
    const [log1, log2] = [await c().log('node1'), await c().log('node2')];
    // node2 hears node1 ALONE (Ready) and exits; node1 hears node2 ALONE, already Transient when
    // node2 heard it first (the first heartbeats after the heal cross each other).
    expect(log2).toMatch(/ I Remote state ALONE Ready/);
    expect(log1.slice(log1.lastIndexOf('Remote state UNKNOWN'))).toMatch(
      / I Remote state ALONE (Ready|Transient)\n/,
    );
    expect(log1).toMatch(/ I Split brain recovery: staying alone/);
    expect(log1).not.toMatch(/exiting alone/);
    expect(log2).toMatch(/ I Split brain recovery: exiting alone/);
    expect(log2).toMatch(/ I Updating directory tree from \/var\/lib\/mirror-demo/);
    expect(log2).toMatch(/ I Reintegration ended \(synchronize\)/);
    // node2: ALONE -> WAIT -> STOP (the stop of its stopstart), then STOP -> WAIT -> SECOND.
    expect(await c().scripts('node2', m2)).toEqual([
      'stop_sec ALONE WAIT stopstart',
      'stop_prim ALONE WAIT stopstart',
      'stop_both ALONE WAIT stopstart',
      'transition ALONE WAIT stopstart',
      ...waitToStop('stopstart'),
      ...START_AS_SECOND,
    ]);
    // node1 kept its application running: only ALONE -> PRIM.
    expect(await c().scripts('node1', m1)).toEqual(ALONE_TO_PRIM);
    // The hit node2 served while isolated is gone: node2's copy is node1's, line for line.
    const hits1 = await c().hits('node1');
    expect(await c().hits('node2')).toEqual(hits1);
    expect(hits1.filter((l) => l.startsWith('node2 '))).toEqual([]);
    expect(await c().hit('node1')).toBe('hello from node1 (hit 2)');
  });
});
