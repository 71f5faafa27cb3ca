// Property (issue 10, Done when 5): a farm's bucket map across membership changes, as successive
// leaders make it (libs/engine farm-view.ts) with the real allocation (keel-buckets). Hosts of a
// group with powers never 64x apart; random sequences of leaves and rejoins, the leader being the
// lowest-named member each time (it changes when the leader leaves):
//  - every bucket is owned by exactly one member, and only members own buckets;
//  - a leave moves only the leaver's buckets; a join moves buckets only to the joiner;
//  - epochs grow with each view, across leaders (each new leader computing from the view all
//    hold, as the wire makes it do); a member adopting the views in any order ends with the
//    newest one. Leaders that restarted or missed views are unit-tested in libs/engine.
import fc from 'fast-check';
import { isNewer, leaderOf, leaderView, type FarmView } from '@keel/engine';
import { allocateBuckets, BUCKET_COUNT } from '../src';

const HOSTS = ['node1', 'node2', 'node3', 'node4', 'node5'];

const scenario = fc.record({
  powers: fc.array(fc.integer({ min: 16, max: 1000 }), { minLength: HOSTS.length, maxLength: HOSTS.length }),
  toggles: fc.array(fc.integer({ min: 0, max: HOSTS.length - 1 }), { minLength: 1, maxLength: 30 }),
  /** The order a member hears the views in: a sort key each. */
  heard: fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
});

test('leaders keep every bucket with one member, move only what a change must move, and epochs grow', () => {
  fc.assert(
    fc.property(scenario, ({ powers, toggles, heard }) => {
      const group = { name: 'FarmProto_0', hosts: HOSTS.map((name, i) => ({ name, power: powers[i]! })) };
      let members = new Set(HOSTS);
      let view: FarmView | undefined;
      const views: FarmView[] = [];
      for (const t of toggles) {
        const host = HOSTS[t]!;
        const joined = !members.has(host);
        const next = new Set(members);
        if (joined) next.add(host);
        else next.delete(host);
        if (next.size === 0) continue;
        const leader = leaderOf([...next])!;
        const made = leaderView({
          leader,
          members: [...next],
          previous: view,
          groups: [group],
          allocate: (nodes, previous) => allocateBuckets(nodes, previous ?? null),
        });
        const owners = made.owners['FarmProto_0']!;
        expect(owners).toHaveLength(BUCKET_COUNT);
        expect(owners.every((o) => o !== null && next.has(o))).toBe(true);
        if (view) {
          expect(made.epoch).toBeGreaterThan(view.epoch);
          const before = view.owners['FarmProto_0']!;
          for (let b = 0; b < BUCKET_COUNT; b++) {
            if (before[b] === owners[b]) continue;
            // A leave: only the leaver's buckets move. A join: buckets move only to the joiner.
            if (joined) expect(owners[b]).toBe(host);
            else expect(before[b]).toBe(host);
          }
        }
        view = made;
        views.push(made);
        members = next;
      }
      // Whatever order a member hears the views in, it keeps the newest.
      let adopted: FarmView | undefined;
      const order = views.map((v, i) => ({ v, key: heard[i] ?? 0 })).sort((a, b) => a.key - b.key);
      for (const { v } of order) if (isNewer(v, adopted)) adopted = v;
      expect(adopted).toBe(views.at(-1));
    }),
    { numRuns: 200 },
  );
});
