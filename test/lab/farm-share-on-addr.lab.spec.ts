import { addClientAddresses, connect, farmUserconfig } from './farm-client';
import { FARM_NODES, farmScenario } from './lab-scenario';

// Issue 10 (Done when 2) / reference §5.6.3 `filter="on_addr"`: every connection of one client
// address lands on one node, whatever its source port; 30 client addresses are spread over the
// three nodes.
const SOURCES = Array.from({ length: 30 }, (_, i) => `198.18.0.${150 + i}`);

farmScenario(
  'farm share on addr',
  (c) => {
    test('each client address is served by one node only; the addresses spread over every node', async () => {
      await addClientAddresses(c(), SOURCES);
      const answers = await connect(c(), { count: 1_500, concurrency: 15, sources: SOURCES });
      console.log('on_addr, 30 sources x 50 connections:', answers.byNode, 'failed', answers.failed);
      expect(answers.failed).toBe(0);
      expect(Object.keys(answers.bySource).sort()).toEqual([...SOURCES].sort());
      for (const nodes of Object.values(answers.bySource)) expect(nodes).toHaveLength(1);
      const sourcesPerNode = FARM_NODES.map(
        (n) => Object.values(answers.bySource).filter((s) => s[0] === n).length,
      );
      for (const n of sourcesPerNode) expect(n).toBeGreaterThan(0);
    });
  },
  { userconfig: farmUserconfig({ filter: 'on_addr' }) },
);
