import { mirrorScenario } from './lab-scenario';
import { logTime, sampleApplication } from './node-application';
import { SECOND_TO_ALONE } from './script-orders';
import { KEEL_PROCESSES } from './keel-cluster';

// Issue 3 / reference §3.10, acceptance 8.2.18: kill -9 of every keel process on the PRIM (its
// services, the replication daemon and its bus) -> the SECOND goes ALONE once the heartbeat
// timeout (1 s here) has passed since it last heard node1, with the failover scripts of §6.5.
// Issue 8 / TARGETS R8: node1's application is gone before node2 serves (its fence died with
// admin, docs/decisions/0013), sampled every 10 ms.
mirrorScenario('mirror kill keel', (c) => {
  test('node1 loses every keel process at once: its application is gone, then node2 becomes ALONE with "no heartbeat"', async () => {
    const from2 = await c().mark('node2');
    const app = sampleApplication('node1');
    expect(app.pids.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    const killed = c().lab.kill('node1', KEEL_PROCESSES, 'SIGKILL');
    // heartbeat, rfs, admin, keel-rfsd and nats-server.
    expect(killed.length).toBeGreaterThanOrEqual(5);
    // Gone once their parents have reaped them (a bounded wait): none of them survived.
    const survivors = () => c().lab.kill('node1', 'keel-|nats-server', 'SIGCONT');
    for (const until = Date.now() + 5_000; survivors().length > 0 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 50));
    expect(survivors()).toEqual([]);
    await c().waitState('node2', 'ALONE');
    const goneAt = await app.gone;
    const log = await c().log('node2');
    expect(log).toMatch(/ I Resource heartbeat\.default set to down by heart$/m);
    expect(log).toMatch(/ I Resource heartbeat\.private set to down by heart$/m);
    expect(log).toMatch(/ I Remote state UNKNOWN/);
    expect(log).toMatch(/ I Action alone called by heart: no heartbeat/);
    expect(log).toMatch(/ I Local state ALONE Ready/);
    // Driven by the heartbeat timeout (1 s), not by the replication link, which broke at once: the
    // loss is declared a timeout after node1's last heartbeat. On a loaded machine that one may
    // have left a few pulses before the kill, hence the margin.
    const alone = log.split('\n').find((l) => l.includes('Action alone called by heart: no heartbeat'));
    expect(logTime(alone!) - killedAt).toBeGreaterThanOrEqual(1000 / 2);
    // The first line of node2's failover is later than the last sample that saw node1's app.
    expect(goneAt).toBeLessThan(logTime(alone!));
    expect(await c().scripts('node2', from2)).toEqual(SECOND_TO_ALONE);
    expect(await c().hit('node2')).toBe('hello from node2 (hit 1)');
  });
});
