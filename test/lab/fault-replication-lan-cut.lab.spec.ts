import { faultMatrix } from './fault-run';

// Issue 8, Done when 3: the replication LAN alone is cut for 1 to 20 s (the heartbeats go on over
// the other LAN), then plugged back, then node1 loses its power at a random moment of the
// recovery: node2 takes over only with every acknowledged record, else it waits for node1.
faultMatrix('replication lan cut', {
  inject: (c) => c.lab.linkDown('node1', 'default'),
  heal: (c) => c.lab.linkUp('node1', 'default'),
  lastsMs: [1_000, 20_000],
  then: 'power-off',
});
