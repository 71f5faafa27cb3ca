import { connect } from './farm-client';
import { farmScenario } from './lab-scenario';
import { logTime } from './node-application';
import { KEEL_PROCESSES } from './keel-cluster';

// Issue 10 (Done when 3, P8) / reference §4.1: kill -9 of every keel process of a farm node while a
// client keeps opening connections through the VIP. The node's fence ends its application and
// withdraws its VIP; the others stop hearing it and serve its buckets after slost_count pulses
// (10 x 100 ms): from then on no new connection fails. How long its buckets went unserved is
// printed (P8). Its return restores the split.
const MEMBERSHIP_TIMEOUT_MS = 10 * 100;

farmScenario('farm node loss', (c) => {
  test('after the membership timeout no new connection fails; the rejoin restores the split', async () => {
    const before = (await c().log('node1')).match(/farm load: (\d+)\/256/g)?.at(-1);
    const running = connect(c(), { count: 3_000, concurrency: 10, pauseMs: 5 });
    await new Promise((r) => setTimeout(r, 1_000));
    const killedAt = Date.now();
    const killed = c().lab.kill('node2', KEEL_PROCESSES, 'SIGKILL');
    expect(killed.length).toBeGreaterThanOrEqual(5);
    const answers = await running;
    const lastFailure = Math.max(killedAt, ...answers.failures.map((f) => f.start));
    console.log(
      `kill -9 of node2: ${answers.failed} of 3 000 connections failed; the last failed one opened ` +
        `${lastFailure - killedAt} ms after the kill (membership timeout ${MEMBERSHIP_TIMEOUT_MS} ms)`,
      answers.byNode,
    );
    // Opened after the timeout (and a pulse for the new view to reach every node): answered.
    expect(answers.failures.filter((f) => f.start > killedAt + MEMBERSHIP_TIMEOUT_MS + 200)).toEqual([]);
    expect(answers.failures.every((f) => f.start >= killedAt - 100)).toBe(true);
    const reserved = (await c().log('node1'))
      .split('\n')
      .find((l) => l.endsWith('farm membership: node1 node3 (group FarmProto_0)'));
    expect(reserved).toBeDefined();
    // P8: node2's buckets are served again once node1 (the leader) has made the new view.
    console.log(`P8: node2's buckets re-served ${logTime(reserved!) - killedAt} ms after the kill`);

    // node2 comes back: its keel, then its module.
    await c().startServices('node2');
    await c().waitAdmin('node2');
    await c().keel('node2', 'start');
    await c().waitState('node2', 'UP');
    const log = await c().log('node1');
    expect(
      log
        .split('\n')
        .filter((l) => l.includes('farm membership:'))
        .at(-1),
    ).toMatch(/farm membership: node1 node2 node3 \(group FarmProto_0\)$/);
    expect(log.match(/farm load: (\d+)\/256/g)?.at(-1)).toBe(before);
    const after = await connect(c(), { count: 600, concurrency: 10 });
    expect(after.failed).toBe(0);
    expect(Object.keys(after.byNode).sort()).toEqual(['node1', 'node2', 'node3']);
  });
});
