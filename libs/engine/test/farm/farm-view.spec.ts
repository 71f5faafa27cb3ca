// The farm view (pure): who leads, what a leader makes, which view a member keeps. The allocation
// is a stand-in here (round robin); its real properties across changes are tested with keel-buckets
// in libs/native/test/farm-view.property.spec.ts.
import { isNewer, leaderOf, leaderView, type Allocate, type FarmView } from '../../src';

const roundRobin: Allocate = (nodes) =>
  Array.from({ length: 256 }, (_, i) => (nodes.length === 0 ? null : (nodes[i % nodes.length]?.id ?? null)));
const GROUP = { name: 'FarmProto_0', hosts: ['node1', 'node2', 'node3'].map((name) => ({ name, power: 1 })) };

test('the leader is the lowest name among the ready nodes', () => {
  expect(leaderOf(['node3', 'node1', 'node2'])).toBe('node1');
  expect(leaderOf([])).toBeUndefined();
});

test('a leader makes a new view, with the next epoch, only when the members change', () => {
  const v1 = leaderView({
    leader: 'node1',
    members: ['node2', 'node1'],
    previous: undefined,
    groups: [GROUP],
    allocate: roundRobin,
  });
  expect(v1).toMatchObject({ leader: 'node1', epoch: 1, members: ['node1', 'node2'] });
  expect(v1.owners['FarmProto_0']?.slice(0, 3)).toEqual(['node1', 'node2', 'node1']);
  const same = leaderView({
    leader: 'node1',
    members: ['node1', 'node2'],
    previous: v1,
    groups: [GROUP],
    allocate: roundRobin,
  });
  expect(same).toBe(v1);
  const v2 = leaderView({
    leader: 'node1',
    members: ['node1', 'node2', 'node3'],
    previous: v1,
    groups: [GROUP],
    allocate: roundRobin,
  });
  expect(v2.epoch).toBe(2);
  // A new leader continues from the view it adopted.
  const v3 = leaderView({
    leader: 'node2',
    members: ['node2', 'node3'],
    previous: v2,
    groups: [GROUP],
    allocate: roundRobin,
  });
  expect(v3).toMatchObject({ leader: 'node2', epoch: 3 });
});

test('a leader that restarted or missed views makes its next one above every epoch it has seen', () => {
  const restarted = leaderView({
    leader: 'node1',
    members: ['node1', 'node2'],
    previous: undefined,
    seenEpoch: 9,
    groups: [GROUP],
    allocate: roundRobin,
  });
  expect(restarted.epoch).toBe(10);
  // Holding epoch 9 from an older leader while epoch 10 was made elsewhere: it makes 11.
  const stale: FarmView = { leader: 'node1', epoch: 9, members: ['node1', 'node2'], owners: {} };
  const next = leaderView({
    leader: 'node1',
    members: ['node1', 'node2'],
    previous: stale,
    seenEpoch: 10,
    groups: [GROUP],
    allocate: roundRobin,
  });
  expect(next.epoch).toBe(11);
  expect(isNewer(next, { ...stale, epoch: 10, leader: 'node0' })).toBe(true);
});

test('a leader must be a member of its view', () => {
  expect(() =>
    leaderView({
      leader: 'node9',
      members: ['node1'],
      previous: undefined,
      groups: [GROUP],
      allocate: roundRobin,
    }),
  ).toThrow('the leader node9 is not one of the members');
});

test('a node outside the group is a member that serves none of its buckets', () => {
  const v = leaderView({
    leader: 'node1',
    members: ['node1', 'node4'],
    previous: undefined,
    groups: [GROUP],
    allocate: roundRobin,
  });
  expect(v.members).toEqual(['node1', 'node4']);
  expect(new Set(v.owners['FarmProto_0'])).toEqual(new Set(['node1']));
});

test('the newer view wins: a higher epoch, or at the same epoch the lower-named leader', () => {
  const view = (leader: string, epoch: number): FarmView => ({
    leader,
    epoch,
    members: [leader],
    owners: {},
  });
  expect(isNewer(view('node2', 5), view('node1', 4))).toBe(true);
  expect(isNewer(view('node2', 4), view('node1', 5))).toBe(false);
  expect(isNewer(view('node1', 5), view('node2', 5))).toBe(true);
  expect(isNewer(view('node2', 5), view('node1', 5))).toBe(false);
  expect(isNewer(view('node2', 1), undefined)).toBe(true);
});
