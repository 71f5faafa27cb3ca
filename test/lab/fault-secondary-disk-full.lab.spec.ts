import { DATA_DIR, type KeelCluster } from './keel-cluster';
import { faultMatrix } from './fault-run';

// Issue 8, Done when 3: the secondary's replicated directory is a 64 MiB file system that fills up
// (shrunk to what it holds and 128 KiB) for 1 to 15 s, then grows back, then node1 loses its power
// at a random moment — in half the runs while the disk is still full: node2, whose applies failed,
// takes over only with every acknowledged record, else it waits for node1.

/**
 * The file system, also mounted here (private, so keel's mount over the replicated directory does
 * not propagate to it): the replicated directory itself is covered by keel's mount.
 */
const DISK = '/run/keel-fault-disk';
const resize = async (c: KeelCluster, size: string) => {
  await c.lab.exec('node2', ['sh', '-c', `mount -o remount,size=${size} ${DISK}`], { check: true });
};

faultMatrix('secondary disk full', {
  prepare: async (c) => {
    const mount = `mkdir -p ${DISK} && mount -t tmpfs -o size=64m,mode=755 keel-fault ${DISK} && mount --make-private ${DISK} && mount --bind ${DISK} ${DATA_DIR}`;
    await c.lab.exec('node2', ['sh', '-c', mount], { check: true });
  },
  inject: (c) => resize(c, `$(( $(df --output=used -B1 ${DISK} | tail -1) + 131072 ))`),
  heal: (c) => resize(c, '64m'),
  lastsMs: [1_000, 15_000],
  then: 'power-off',
  cutDuringFault: true,
});
