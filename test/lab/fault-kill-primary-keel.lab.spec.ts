import { faultMatrix } from './fault-run';
import { KEEL_PROCESSES } from './keel-cluster';

// Issue 8, Done when 3: kill -9 of every keel process on the primary (its services, keel-rfsd and
// its bus) while the writer appends. The replicated directory dies with keel-rfsd, so node1
// acknowledges nothing more; node2 takes over with every record node1 acknowledged.
faultMatrix('kill primary keel', {
  inject: async (c) => {
    c.lab.kill('node1', KEEL_PROCESSES, 'SIGKILL');
  },
  lastsMs: [0, 0],
  then: 'nothing',
});
