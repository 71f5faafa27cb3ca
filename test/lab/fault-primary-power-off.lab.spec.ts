import { faultMatrix } from './fault-run';

// Issue 8, Done when 3: the primary loses its power (every process of node1 dies at once, the
// writer with them) while the writer appends; node2 takes over with every acknowledged record.
faultMatrix('primary power off', {
  inject: (c) => c.lab.crash('node1'),
  lastsMs: [0, 0],
  then: 'nothing',
});
