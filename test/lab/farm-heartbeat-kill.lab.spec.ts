import { readFileSync } from 'node:fs';
import { connect } from './farm-client';
import { serviceLog } from './keel-cluster';
import { farmScenario } from './lab-scenario';

// Issue 10, review S4 / decision 0017 (the view's lease): kill -9 of node2's heartbeat only (its
// admin, vip and application live on). node1 and node3 stop hearing node2 and serve its buckets
// after slost_count pulses; node2's vip, hearing no view for as long, stops serving them, so no
// bucket has two nodes answering its clients: every connection opened after that is answered.
// The restarted heartbeat brings node2 back into the farm.
const LEASE_MS = 10 * 100;

farmScenario('farm heartbeat kill', (c) => {
  test("node2's vip stops serving once its heartbeat is silent for a lease; the others serve everything", async () => {
    const killedAt = Date.now();
    expect(c().lab.kill('node2', 'keel-heartbeat', 'SIGKILL').length).toBe(1);
    for (const until = Date.now() + 10_000; !(await c().log('node2')).includes('Farm view not renewed');) {
      if (Date.now() > until)
        throw new Error(
          `node2's vip kept serving:\n${readFileSync(serviceLog(c().lab, 'node2', 'vip'), 'utf8')
            .split('\n')
            .slice(-15)
            .join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_MS / 2);
    expect(await c().log('node1')).toMatch(/ I farm membership: node1 node3 \(group FarmProto_0\)$/m);
    const answers = await connect(c(), { count: 600, concurrency: 10 });
    expect(answers.failed).toBe(0);
    expect(Object.keys(answers.byNode).sort()).toEqual(['node1', 'node3']);

    await c().startService('node2', 'heartbeat');
    for (const until = Date.now() + 15_000; ;) {
      const back = await connect(c(), { count: 300, concurrency: 10 });
      if (back.failed === 0 && Object.keys(back.byNode).length === 3) break;
      if (Date.now() > until) throw new Error(`node2 did not come back: ${JSON.stringify(back.byNode)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});
