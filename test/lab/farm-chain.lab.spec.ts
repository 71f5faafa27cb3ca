import { connect, farmUserconfig } from './farm-client';
import { farmScenario } from './lab-scenario';

// Issue 10 (Done when 2) / reference §1.8 chain HA and §5.6.5 (d): a node whose power is more than
// 64 times the others' takes every connection while it is UP; when it stops, the next one (itself
// more than 64 times the last) takes every connection.
farmScenario(
  'farm chain',
  (c) => {
    test('the most powerful UP node takes everything; when it stops, the next one does', async () => {
      const first = await connect(c(), { count: 300, concurrency: 10 });
      console.log('powers 10000:100:1, all up:', first.byNode);
      expect(first).toMatchObject({ failed: 0, byNode: { node1: 300 } });

      await c().keel('node1', 'stop');
      await c().waitState('node1', 'STOP');
      expect(await c().log('node2')).toMatch(/ I farm membership: node2 node3 \(group FarmProto_0\)$/m);
      const second = await connect(c(), { count: 300, concurrency: 10 });
      console.log('node1 stopped:', second.byNode);
      expect(second).toMatchObject({ failed: 0, byNode: { node2: 300 } });
    });
  },
  { userconfig: farmUserconfig({ powers: { node1: 10_000, node2: 100, node3: 1 } }) },
);
