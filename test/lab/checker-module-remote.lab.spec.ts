import { mirrorScenario } from './lab-scenario';

// Issue 12 / reference §5.17, §8.4 case 54: a light module `follower` on node2 follows the sample
// mirror module through its VIP and the web service's health probe (safekit-ops §16), so it
// always reads the node that serves, here another node. The followed module fails over (a
// stopstart of its primary), an outage shorter than the follower's handle_time: `Action stopstart
// called by modulecheck`. The followed module
// stopped for good: module_failure puts the follower in WAIT (NotReady); started again, the
// follower wakes up.
const FOLLOWER = `<safe><service mode="light"><user/>
  <check><module ident="demo" name="mirror-demo"><to addr="198.18.0.10" port="9010" interval="1s" timeout="1s"/></module></check>
  <failover period="200ms" handle_time="10s"/>
</service></safe>`;

mirrorScenario(
  'checker module remote',
  (c) => {
    const follower = () => c().forModule('follower');

    test('the follower on node2 starts UP (Ready) with module.demo up', async () => {
      expect((await follower().keel('node2', 'start')).err).toBe('');
      await follower().waitState('node2', 'UP');
      await follower().waitLog('node2', / I Resource module\.demo set to up by modulecheck/);
    });

    test('the followed module fails over to node2: the follower stopstarts', async () => {
      expect((await c().keel('node1', 'stopstart')).code).toBe(0);
      await c().waitState('node2', 'PRIM', 30);
      const log = await follower().waitLog('node2', / I Action stopstart called by modulecheck/, 30);
      expect(log).toMatch(/ I Module mirror-demo restarted/);
      await follower().waitState('node2', 'UP', 30);
    });

    test('the followed module stopped on both nodes: the follower WAIT (NotReady); started: UP again', async () => {
      await c().keel('node1', 'stop');
      await c().waitState('node1', 'STOP');
      await c().keel('node2', 'stop');
      await c().waitState('node2', 'STOP');
      await follower().waitLog('node2', / I Action wait from failover rule module_failure/, 30);
      await follower().waitState('node2', 'WAIT');
      await c().keel('node1', 'prim');
      await c().waitState('node1', 'ALONE', 30);
      await follower().waitLog('node2', / I Action wakeup from failover rule Implicit_wakeup/, 30);
      await follower().waitState('node2', 'UP', 30);
    });
  },
  { extraModules: [{ name: 'follower', userconfig: FOLLOWER }] },
);
