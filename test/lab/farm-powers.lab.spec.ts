import { connect, farmUserconfig } from './farm-client';
import { farmScenario } from './lab-scenario';

// Issue 10 (Done when 2) / reference §5.6.3 `<cluster><host power>`: powers 1:1:2 give each node
// its share of the buckets (64/64/128) and of 4 000 connections (25/25/50 % within 10 % of each
// share).
farmScenario(
  'farm powers',
  (c) => {
    test('powers 1:1:2 share buckets and connections 25/25/50 % (4 000 connections)', async () => {
      expect(await c().log('node3')).toMatch(/ I farm load: 128\/256 \(group FarmProto_0\)$/m);
      expect(await c().log('node1')).toMatch(/ I farm load: 64\/256 \(group FarmProto_0\)$/m);
      const answers = await connect(c(), { count: 4_000, concurrency: 20 });
      console.log('powers 1:1:2, 4 000 connections:', answers.byNode, 'failed', answers.failed);
      expect(answers.failed).toBe(0);
      const share = { node1: 1_000, node2: 1_000, node3: 2_000 };
      for (const [node, fair] of Object.entries(share)) {
        expect(answers.byNode[node]).toBeGreaterThanOrEqual(fair * 0.9);
        expect(answers.byNode[node]).toBeLessThanOrEqual(fair * 1.1);
      }
    });
  },
  { userconfig: farmUserconfig({ powers: { node1: 1, node2: 1, node3: 2 } }) },
);
