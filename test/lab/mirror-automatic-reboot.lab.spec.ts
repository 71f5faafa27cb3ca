import { appFailureModule } from './keel-cluster';
import { mirrorScenario } from './lab-scenario';

// Acceptance 8.4.59: with automatic_reboot="on", a failover rule's stopstart reboots the node
// instead of stopping and starting the module. The lab's reboot (tools/lab/bin/lab-node-reboot)
// takes every process of the node down; the peer takes over after the heartbeat timeout, and the
// node, booted again (its services started), comes back as SECOND.
const userconfig = appFailureModule(' automatic_reboot="on"');

mirrorScenario(
  'mirror automatic reboot',
  (c) => {
    test('custom.app down on the PRIM: app_failure reboots node1 instead of a stopstart; node2 takes over', async () => {
      const mark = await c().mark('node1');
      expect((await c().keel('node1', 'set', '-r', 'custom.app', '-v', 'down', '-i', 'probe')).code).toBe(0);
      await c().waitState('node2', 'ALONE', 30);
      expect(await c().lab.exec('node1', ['cat', '/var/lib/keel/reboots.log'])).toMatchObject({
        code: 0,
        stdout: 'reboot module=mirror-demo identity=app_failure\n',
      });
      // Nothing of node1 survived the reboot, and no stop or start script ran for it. Killed all at
      // once, the node's processes may take a moment to be gone on a loaded machine: a bounded wait.
      const survivors = () => c().lab.kill('node1', 'keel-|nats-server', 'SIGCONT');
      for (const until = Date.now() + 5_000; survivors().length > 0 && Date.now() < until;)
        await new Promise((r) => setTimeout(r, 50));
      expect(survivors()).toEqual([]);
      expect(await c().scripts('node1', mark)).toEqual([]);
    });

    test('node1 booted again: its log tells of the reboot, and started it returns as SECOND', async () => {
      await c().startServices('node1');
      await c().waitAdmin('node1');
      expect(await c().state('node1')).toBe('STOP (NotReady)');
      const log = await c().log('node1');
      expect(log).toMatch(/ I Action stopstart called by app_failure/);
      expect(log).toMatch(/ E Reboot of the node instead of stopstart \(automatic_reboot="on"\)/);
      expect(log).not.toMatch(/Automatic reboot failed/);
      await c().keel('node1', 'start');
      await c().waitState('node1', 'SECOND', 30);
      await c().waitState('node2', 'PRIM', 30);
    });
  },
  { userconfig },
);
