import { CLIENT1, withCheckers } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12 / reference §5.13, §8.4 case 48: a ping checker on an external device (client1) before
// the application (`when="pre"`, action wait). The device goes away: on both nodes ping.dev goes
// down by pingcheck and p_dev puts the module in WAIT (NotReady); it comes back: the implicit
// wakeup restarts the module, and the pair returns to a primary and a secondary.
const userconfig = withCheckers(`<check>
      <ping ident="dev" when="pre" action="wait"><to addr="${CLIENT1}" interval="1s" timeout="1s"/></ping>
    </check>`);

mirrorScenario(
  'checker ping wait',
  (c) => {
    test('the device unreachable: both nodes WAIT (NotReady)', async () => {
      await c().lab.linkDown('client1', 'default');
      await c().waitState('node1', 'WAIT', 30);
      await c().waitState('node2', 'WAIT', 30);
      for (const node of ['node1', 'node2'] as const) {
        const log = await c().log(node);
        expect(log).toMatch(/ I Resource ping\.dev set to down by pingcheck/);
        expect(log).toMatch(/ I Action wait from failover rule p_dev/);
      }
      expect(c().lab.pids('node1', 'createServer')).toEqual([]);
    });

    test('the device back: Implicit_wakeup, one primary and one secondary again', async () => {
      await c().lab.linkUp('client1', 'default');
      await c().waitLog('node1', / I Action wakeup from failover rule Implicit_wakeup/, 30);
      await c().waitLog('node2', / I Action wakeup from failover rule Implicit_wakeup/, 30);
      const states = async () => [await c().state('node1'), await c().state('node2')].sort();
      const deadline = Date.now() + 30_000;
      while ((await states()).join() !== 'PRIM (Ready),SECOND (Ready)' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
      expect(await states()).toEqual(['PRIM (Ready)', 'SECOND (Ready)']);
    });
  },
  { userconfig, clients: ['client1'] },
);
