import { mirrorScenario } from './lab-scenario';

// Issue 3: kill -9 of every keel process on the PRIM -> the SECOND goes ALONE once the heartbeat
// timeout has passed (reference §3.10, acceptance 8.2.18).
mirrorScenario('mirror kill keel', (c) => {
  test('node1 loses admin, heartbeat and its bus at once: node2 becomes ALONE with "no heartbeat"', async () => {
    const killed = await c().lab.kill('node1', 'keel-admin|keel-heartbeat|nats-server', 'SIGKILL');
    expect(killed.length).toBeGreaterThanOrEqual(3);
    await c().waitState('node2', 'ALONE');
    const log = await c().log('node2');
    expect(log).toMatch(/ I Resource heartbeat\.default set to down by heartbeat/);
    expect(log).toMatch(/ I Resource heartbeat\.private set to down by heartbeat/);
    expect(log).toMatch(/ I Remote state UNKNOWN/);
    expect(log).toMatch(/ I Action alone called by heart: no heartbeat/);
  });
});
