import { withCheckers } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12 / reference §5.14, §8.4 case 49: `<interface check="on">` on the VIP's interface. Its
// cable is pulled on the PRIM: intf.198.18.0.0 goes down by intfcheck, interface_failure puts
// node1 in WAIT (NotReady) and node2 takes over ALONE (the private LAN still carries heartbeats);
// plugged back, node1 wakes up and returns as SECOND.
const userconfig = withCheckers('').replace('<interface>', '<interface check="on">');

mirrorScenario(
  'checker interface',
  (c) => {
    test('the VIP interface loses its link on the PRIM: node1 WAIT (NotReady), node2 ALONE', async () => {
      await c().lab.linkDown('node1', 'default');
      await c().waitState('node1', 'WAIT', 30);
      await c().waitState('node2', 'ALONE', 30);
      const log = await c().log('node1');
      expect(log).toMatch(/ I Resource intf\.198\.18\.0\.0 set to down by intfcheck/);
      expect(log).toMatch(/ I Action wait from failover rule interface_failure/);
    });

    test('the link back: node1 wakes up and becomes SECOND', async () => {
      await c().lab.linkUp('node1', 'default');
      await c().waitState('node1', 'SECOND', 40);
      expect(await c().log('node1')).toMatch(/ I Action wakeup from failover rule Implicit_wakeup/);
      expect(await c().state('node2')).toBe('PRIM (Ready)');
    });
  },
  { userconfig },
);
