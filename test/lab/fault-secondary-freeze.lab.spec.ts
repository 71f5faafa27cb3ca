import { faultMatrix } from './fault-run';

// Issue 8, Done when 3: every process of the secondary stops (SIGSTOP) for 1 to 25 s, then
// resumes, then node1 loses its power at a random moment: node2, which could not notice anything
// while frozen, takes over only with every acknowledged record, else it waits for node1.
faultMatrix('secondary freeze', {
  inject: async (c) => {
    c.lab.freeze('node2');
  },
  heal: async (c) => {
    c.lab.thaw('node2');
  },
  lastsMs: [1_000, 25_000],
  then: 'power-off',
});
