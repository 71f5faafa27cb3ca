import { mirrorScenario } from './lab-scenario';

// Issue 9, Done when 4 / reference §4 `safekit shutdown`: SIGTERM of every keel service on the
// PRIM, as systemd sends it when the machine shuts down, runs the shutdown action: the stop
// scripts, STOP NotReady, the application gone; node2 takes over. node1 comes back by its boot
// setting.
const MODULE_LOG = '/var/lib/keel/modules/mirror-demo/module.log';

mirrorScenario('mirror shutdown', (c) => {
  test('SIGTERM of the keel services on the PRIM: the shutdown action, its stop scripts, then node2 ALONE', async () => {
    expect((await c().keel('node1', 'boot', 'on')).code).toBe(0);
    const from1 = await c().mark('node1');
    expect(c().lab.kill('node1', 'bin/keel-(admin|heartbeat|rfs)$', 'SIGTERM')).toHaveLength(3);
    for (const until = Date.now() + 60_000; c().lab.pids('node1', 'bin/keel-admin$').length > 0;) {
      if (Date.now() > until) throw new Error('admin did not exit within 60 s of its SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
    }
    const log = (await c().lab.exec('node1', ['cat', MODULE_LOG])).stdout;
    expect(log).toMatch(/ I Action shutdown called by SYSTEM\/root\n/);
    expect(log.slice(log.lastIndexOf('Action shutdown'))).toMatch(/ I Local state STOP NotReady\n/);
    expect(await c().scripts('node1', from1)).toEqual(expect.arrayContaining(['stop_prim PRIM WAIT stop']));
    expect(c().lab.pids('node1', 'createServer')).toEqual([]);
    await c().waitState('node2', 'ALONE');
  });

  test('node1 rebooted comes back with `Action start called at boot time` and joins as SECOND', async () => {
    await c().lab.crash('node1');
    await c().startServices('node1');
    await c().waitAdmin('node1');
    await c().waitState('node1', 'SECOND', 60);
    expect(await c().log('node1')).toMatch(/ I Action start called at boot time\n/);
    expect(await c().hits('node1')).toEqual(await c().hits('node2'));
  });
});
