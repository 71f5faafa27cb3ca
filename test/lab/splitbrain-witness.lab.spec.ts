import { CLIENT1, withCheckers } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12 / reference §5.18, §8.2 case 30: a splitbrain checker with client1 as witness. Both
// heartbeat LANs are cut and only node2 (the SECOND) still reaches the witness: node2 takes over
// ALONE, node1 goes WAIT (NotReady) by splitbrain_failure and its application stops. Healed,
// node1 resynchronises from node2 and ends SECOND.
const userconfig = withCheckers(`<check><splitbrain ident="witness" arg="${CLIENT1}"/></check>`);

mirrorScenario(
  'splitbrain witness',
  (c) => {
    test('isolation where only node2 reaches the witness: node2 ALONE, node1 WAIT (NotReady)', async () => {
      await c().lab.partition('default', [['node2', 'client1'], ['node1']]);
      await c().lab.partition('private');
      await c().waitState('node2', 'ALONE', 30);
      await c().waitState('node1', 'WAIT', 30);
      const log1 = await c().log('node1');
      expect(log1).toMatch(/ I Resource splitbrain\.uptodate set to down by splitbraincheck/);
      expect(log1).toMatch(/ I Action wait from failover rule splitbrain_failure/);
      expect(log1).toMatch(/ E Split brain: no witness answers this node; its peer may serve/);
      expect(await c().log('node2')).toMatch(/ I Resource splitbrain\.uptodate set to up by splitbraincheck/);
      expect(c().lab.pids('node1', 'createServer')).toEqual([]);
      expect(await c().hit('node2')).toMatch(/^hello from node2/);
    });

    test('healed: node1 resynchronises from node2 and becomes SECOND, node2 PRIM', async () => {
      await c().lab.heal('default');
      await c().lab.heal('private');
      await c().waitState('node1', 'SECOND', 40);
      await c().waitState('node2', 'PRIM', 20);
      const log1 = await c().log('node1');
      expect(log1).toMatch(/ I Resource splitbrain\.uptodate set to up by heart/);
      expect(log1).toMatch(/ I Action wakeup from failover rule Implicit_wakeup/);
      const hits = await c().hits('node2');
      expect(hits.some((l) => l.startsWith('node2 '))).toBe(true);
      expect(await c().hits('node1')).toEqual(hits);
    });
  },
  { userconfig, clients: ['client1'] },
);
