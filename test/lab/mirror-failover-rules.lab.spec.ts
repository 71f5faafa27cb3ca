import { appFailureModule } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';

// Issue 3: the failover rules drive the module on real nodes. A user rule stopstarts the PRIM when
// a custom resource goes down (after handle_time), and the module fails over to the peer.
const userconfig = appFailureModule();

mirrorScenario(
  'mirror failover rules',
  (c) => {
    test('custom.app down on the PRIM: app_failure stopstarts it, node2 takes over, node1 returns as SECOND', async () => {
      expect((await c().keel('node1', 'set', '-r', 'custom.app', '-v', 'down', '-i', 'probe')).code).toBe(0);
      await c().waitState('node2', 'PRIM', 30);
      await c().waitState('node1', 'SECOND', 30);
      const log = await c().log('node1');
      expect(log).toMatch(/ I Resource custom\.app set to down by probe/);
      expect(log).toMatch(/app_failure/);
      expect(log).toMatch(/ I Action stopstart called by app_failure/);
    });
  },
  { userconfig },
);
