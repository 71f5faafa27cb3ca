import { mirrorScenario } from './lab-scenario';

// Issue 3: with two heartbeat LANs, losing one is no reason to fail over (reference §5.4). The
// LAN cut is the one that carries heartbeats only (the sample replicates on "default"): losing
// the replication LAN makes the secondary's copy behind, as mirror-replication-cut shows.
mirrorScenario('mirror one lan cut', (c) => {
  test('cutting node1 off the private LAN: heartbeat.private down on node2, no failover', async () => {
    const [m1, m2] = [await c().mark('node1'), await c().mark('node2')];
    await c().lab.linkDown('node1', 'private');
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      !(await c().log('node2')).match(/Resource heartbeat\.private set to down/)
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await c().log('node2')).toMatch(/ I Resource heartbeat\.private set to down by heart$/m);
    // Past the replication link's timeout (5 s here) the roles and the copy are still the same.
    await new Promise((r) => setTimeout(r, 6000));
    expect(await c().state('node1')).toBe('PRIM (Ready)');
    expect(await c().state('node2')).toBe('SECOND (Ready)');
    const log2 = await c().log('node2');
    expect(log2).not.toMatch(/Action alone/);
    expect(log2).not.toMatch(/heartbeat\.default set to down/);
    expect(log2).not.toMatch(/Remote state UNKNOWN/);
    // No script ran on either node: nothing moved.
    expect(await c().scripts('node1', m1)).toEqual([]);
    expect(await c().scripts('node2', m2)).toEqual([]);
    await c().lab.linkUp('node1', 'private');
  });
});
