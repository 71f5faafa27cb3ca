import { arbiterScenario } from './arbiter-cluster';
import { randomPartitions } from './arbiter-run';

// Issue 12, Done when 3 (docs/decisions/0019): split brain with the lease arbiter, 20 randomized
// partitions (one LAN, both LANs, an arbiter link, a frozen primary) while a writer appends
// acknowledged records and a sampler probes writes on both nodes: at no sampled instant do two
// nodes accept writes in the replicated directory, and no acknowledged write is lost.
// KEEL_ARBITER_ROUNDS sets the count, KEEL_ARBITER_SEED replays a run.
const rounds = Number(process.env.KEEL_ARBITER_ROUNDS ?? '20');
const seed = Number(process.env.KEEL_ARBITER_SEED ?? Math.floor(Math.random() * 2 ** 31));

arbiterScenario('arbiter random', (c) => {
  test(
    `${rounds} randomized partitions (seed ${seed}): never two nodes accepting writes, no acknowledged record lost`,
    async () => {
      const r = await randomPartitions(c(), rounds, seed);
      const lines = r.rounds.map(
        (x) =>
          `  ${x.n}. ${x.kind} ${x.target} for ${x.lastsMs} ms: ${x.primaryBefore} -> ${x.primaryAfter} (settled in ${x.settledMs} ms)`,
      );
      console.log(
        `arbiter random, seed ${seed}: ${r.rounds.length} rounds in ${Math.round(r.ms / 1000)} s, ` +
          `${r.acked} acknowledged records intact on both nodes, ${r.samples} accepted-write samples, no overlap\n${lines.join('\n')}`,
      );
      expect(r.rounds).toHaveLength(rounds);
      expect(r.acked).toBeGreaterThan(rounds * 10);
    },
    rounds * 60_000 + 120_000,
  );
});
