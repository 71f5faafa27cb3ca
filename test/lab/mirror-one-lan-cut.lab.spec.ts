import { mirrorScenario } from './lab-scenario';

// Issue 3: with two heartbeat LANs, losing one is no reason to fail over (reference §5.4).
mirrorScenario('mirror one lan cut', (c) => {
  test('cutting node1 off the default LAN: heartbeat.default down on node2, no failover', async () => {
    await c().lab.linkDown('node1', 'default');
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      !(await c().log('node2')).match(/Resource heartbeat\.default set to down/)
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await c().log('node2')).toMatch(/ I Resource heartbeat\.default set to down by heartbeat/);
    // Two heartbeat timeouts later the roles are still the same.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await c().state('node1')).toBe('PRIM (Ready)');
    expect(await c().state('node2')).toBe('SECOND (Ready)');
    expect(await c().log('node2')).not.toMatch(/Action alone/);
    await c().lab.linkUp('node1', 'default');
  });
});
