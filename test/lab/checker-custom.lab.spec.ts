import { withCheckers } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12 / reference §5.16, §8.4 case 52: a custom checker (the sample's bin/flagcheck) started
// with the primary's window as `flagcheck <module> custom.app 1`, setting custom.app itself
// through the keel command. It says down: c_app stopstarts the PRIM, node2 takes over; on node1,
// now SECOND, the checker is no longer running, and node2's own checker says up.
const userconfig = withCheckers(`<check>
      <custom ident="app" when="prim" exec="flagcheck" arg="1" action="stopstart"/>
    </check>`);
const flag = '/var/lib/keel/modules/mirror-demo/flag.custom.app';

mirrorScenario(
  'checker custom',
  (c) => {
    test('the checker runs on the PRIM only, with its documented arguments, and sets custom.app up', async () => {
      await c().waitLog('node1', / I Resource custom\.app set to up by flagcheck/);
      const ps = await c().lab.exec('node1', ['pgrep', '-af', 'flagcheck']);
      expect(ps.stdout).toMatch(/flagcheck mirror-demo custom\.app 1/);
      expect((await c().lab.exec('node2', ['pgrep', '-af', 'flagcheck'])).stdout).toBe('');
    });

    test('it says down: c_app stopstarts node1, node2 PRIM, node1 SECOND without its checker', async () => {
      await c().lab.exec('node1', ['sh', '-c', `echo down > ${flag}`]);
      await c().waitState('node2', 'PRIM', 40);
      await c().waitState('node1', 'SECOND', 40);
      const log = await c().log('node1');
      expect(log).toMatch(/ I Resource custom\.app set to down by flagcheck/);
      expect(log).toMatch(/ I Action stopstart from failover rule c_app/);
      expect((await c().lab.exec('node1', ['pgrep', '-af', 'flagcheck'])).stdout).toBe('');
      await c().waitLog('node2', / I Resource custom\.app set to up by flagcheck/);
    });
  },
  { userconfig },
);
