import { withCheckers } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12 / reference §5.15, §8.4 case 50: `<virtual_addr check="on">`. The VIP is removed by
// hand from the PRIM: ip.198.18.0.10 goes down by ipcheck and ip_failure stopstarts node1: node2
// becomes PRIM with the VIP, node1 returns as SECOND.
const userconfig = withCheckers('').replace('where="one_side_alias"', 'where="one_side_alias" check="on"');

mirrorScenario(
  'checker vip removed',
  (c) => {
    test('ip addr del of the VIP on node1: ip_failure stopstart, node2 PRIM, node1 SECOND', async () => {
      const dev = c().lab.ifname('node1', 'default');
      const del = await c().lab.exec('node1', ['ip', 'addr', 'del', '198.18.0.10/24', 'dev', dev]);
      expect(del.stderr).toBe('');
      await c().waitState('node2', 'PRIM', 40);
      await c().waitState('node1', 'SECOND', 40);
      const log = await c().log('node1');
      expect(log).toMatch(/ I Resource ip\.198\.18\.0\.10 set to down by ipcheck/);
      expect(log).toMatch(/ I Action stopstart from failover rule ip_failure/);
      const addrs = await c().lab.exec('node2', [
        'ip',
        '-o',
        'addr',
        'show',
        'dev',
        c().lab.ifname('node2', 'default'),
      ]);
      expect(addrs.stdout).toMatch(/198\.18\.0\.10\//);
    });
  },
  { userconfig },
);
