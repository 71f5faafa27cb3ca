import { connect } from './farm-client';
import { FARM_NODES, farmScenario } from './lab-scenario';

// Issue 10 (Done when 2 and 3) / reference §4.3, acceptance 35: three farm nodes started -> each is
// UP (Ready) and says the membership and its load; 3 000 connections from a client, each from a new
// source port, are shared out by `on_port` within +-10 % of the fair share, each answered by one node.
farmScenario('farm share on port', (c) => {
  test('every node UP (Ready) says the membership and its load; 3 000 connections land within 10 % of fair', async () => {
    for (const node of FARM_NODES) {
      const log = await c().log(node);
      expect(log).toMatch(/ I farm membership: node1 node2 node3 \(group FarmProto_0\)$/m);
      expect(log).toMatch(/ I farm load: 8[56]\/256 \(group FarmProto_0\)$/m);
      expect(log).toMatch(/ I Virtual IP 198\.18\.0\.20 set$/m);
      expect(log).toMatch(/ I Local state UP Ready$/m);
      expect(log).toMatch(/ I Resource FarmProto_0 set to 3[34]% by farm$/m);
    }
    const answers = await connect(c(), { count: 3_000, concurrency: 20 });
    console.log('on_port, 3 000 connections:', answers.byNode, 'failed', answers.failed);
    expect(answers.failed).toBe(0);
    const total = Object.values(answers.byNode).reduce((a, b) => a + b, 0);
    expect(total).toBe(3_000);
    for (const node of FARM_NODES) {
      expect(answers.byNode[node]).toBeGreaterThanOrEqual(900);
      expect(answers.byNode[node]).toBeLessThanOrEqual(1_100);
    }
  });
});
