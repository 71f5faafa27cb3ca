import { faultMatrix } from './fault-run';
import { DATA_DIR } from './keel-cluster';
import { until } from './run-support';

// Issue 11 (the window when the rfs service dies on a primary) / docs/decisions/0009: kill -9 of
// the primary's rfs service while the writer appends. keel-rfsd keeps the replicated directory
// mounted and refuses changes (the writer's next record fails: nothing lands unreplicated); the
// restarted service's daemon takes the directory over; then node1 loses its power at a random
// moment: node2 takes over with every acknowledged record, or waits for node1.
faultMatrix('kill primary rfs service', {
  inject: async (c) => {
    expect(c.lab.kill('node1', /apps\/rfs\/bin\/keel-rfs$/, 'SIGKILL')).toHaveLength(1);
    const mounted = async () =>
      (await c.lab.exec('node1', ['grep', '-c', ` ${DATA_DIR} fuse`, '/proc/self/mounts'])).stdout.trim() ===
      '1';
    const refused = async () =>
      /Read-only file system/.test(
        (await c.lab.exec('node1', ['sh', '-c', `echo x >> ${DATA_DIR}/probe`])).stderr,
      );
    await until(refused, 10_000, 'the orphaned primary refuses changes');
    expect(await mounted()).toBe(true);
  },
  heal: async (c) => {
    await c.startService('node1', 'rfs');
  },
  lastsMs: [0, 3_000],
  then: 'power-off',
});
