import { faultMatrix } from './fault-run';

// Issue 8, Done when 3 / reference §3.10: every LAN cut for 2 to 10 s while the writer appends on
// node1 (no arbiter): both nodes go ALONE; at the heal the former primary's data wins, node2
// resynchronises from it, and every record acknowledged on node1 is intact there.
faultMatrix('isolation', {
  inject: async (c) => {
    await c.lab.partition('default');
    await c.lab.partition('private');
    await c.waitState('node2', 'ALONE');
  },
  heal: async (c) => {
    await c.lab.heal('default');
    await c.lab.heal('private');
  },
  lastsMs: [2_000, 10_000],
  then: 'heal',
});
