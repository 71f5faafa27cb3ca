import { mirrorScenario } from './lab-scenario';

// Issue 3: with two heartbeat LANs, losing one is no reason to fail over (reference §5.4).
mirrorScenario('mirror one lan cut', (c) => {
  test('cutting node1 off the default LAN: heartbeat.default down on node2, no failover', async () => {
    const [m1, m2] = [await c().mark('node1'), await c().mark('node2')];
    await c().lab.linkDown('node1', 'default');
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      !(await c().log('node2')).match(/Resource heartbeat\.default set to down/)
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await c().log('node2')).toMatch(/ I Resource heartbeat\.default set to down by heart$/m);
    // Two heartbeat timeouts later the roles are still the same.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await c().state('node1')).toBe('PRIM (Ready)');
    expect(await c().state('node2')).toBe('SECOND (Ready)');
    const log2 = await c().log('node2');
    expect(log2).not.toMatch(/Action alone/);
    expect(log2).not.toMatch(/heartbeat\.private set to down/);
    expect(log2).not.toMatch(/Remote state UNKNOWN/);
    // No script ran on either node: nothing moved.
    expect(await c().scripts('node1', m1)).toEqual([]);
    expect(await c().scripts('node2', m2)).toEqual([]);
    await c().lab.linkUp('node1', 'default');
  });
});
