import { CLIENT1, withCheckers } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12, docs/decisions/0020: with a splitbrain checker an isolated SECOND does not take over
// before the checker's verdict. Here only node1 (the PRIM) reaches the witness: node2 never
// becomes primary — it logs that it waits for the verdict, gets `down`, and goes WAIT (NotReady)
// without ever running start_prim — while node1 serves ALONE. Healed, node2 returns as SECOND.
const userconfig = withCheckers(`<check><splitbrain ident="witness" arg="${CLIENT1}"/></check>`);

mirrorScenario(
  'splitbrain secondary holds',
  (c) => {
    test('isolation where only the PRIM reaches the witness: node2 WAIT, never primary; node1 ALONE', async () => {
      const m2 = await c().mark('node2');
      await c().lab.partition('default', [['node1', 'client1'], ['node2']]);
      await c().lab.partition('private');
      await c().waitState('node1', 'ALONE', 30);
      await c().waitState('node2', 'WAIT', 30);
      const log2 = await c().log('node2');
      expect(log2).toMatch(/ I Every heartbeat lost: waiting for the splitbrain checker before taking over/);
      expect(log2).toMatch(/ I Resource splitbrain\.uptodate set to down by splitbraincheck/);
      expect(log2).toMatch(/ I Action wait from failover rule splitbrain_failure/);
      expect(log2).not.toMatch(/Action alone called by heart/);
      expect((await c().scripts('node2', m2)).filter((s) => s.startsWith('start_prim'))).toEqual([]);
      expect(await c().hit('node1')).toMatch(/^hello from node1/);
    });

    test('healed: node2 becomes SECOND again, node1 PRIM', async () => {
      await c().lab.heal('default');
      await c().lab.heal('private');
      await c().waitState('node2', 'SECOND', 40);
      await c().waitState('node1', 'PRIM', 20);
    });
  },
  { userconfig, clients: ['client1'] },
);
