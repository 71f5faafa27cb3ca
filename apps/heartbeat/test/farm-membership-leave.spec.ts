// Scenario: farm nodes leave and come back. A node that stops being UP (Ready) says so at once
// and the others serve its buckets at once; a follower that falls silent is given up after
// slost_count pulses, the leader after mlost_count (reference §5.5); a leave moves only the
// leaver's buckets, and a rejoin gives the joiner buckets without moving the others' between
// them (0017).
import { settle } from '@keel/testing';
import { address, FARM_PULSE_MS, FarmNodes, MLOST, SLOST, type FarmNodeName } from './support/farm-nodes';

let f: FarmNodes;
beforeEach(async () => {
  f = await FarmNodes.start();
  await f.allUp();
});
afterEach(() => f.close());

const owners = (n: FarmNodeName) => f.nodes[n].view().groups[0].owners;

/** Buckets whose owner changed between two tables. */
const moved = (a: readonly (string | null)[], b: readonly (string | null)[]) =>
  a.flatMap((o, i) => (o === b[i] ? [] : [{ from: o, to: b[i] }]));

it('a node that stops is out of every view at once, and only its buckets move', async () => {
  const before = owners('node1');
  f.nodes.node2.setState('WAIT', 'Transient');
  await f.clock.advance(0);
  await settle();
  for (const n of ['node1', 'node3'] as const) {
    expect(f.nodes[n].view().members).toEqual(['node1', 'node3']);
    expect(moved(before, owners(n)).every((m) => m.from === 'node2')).toBe(true);
  }
  expect(f.nodes.node1.share('node1') + f.nodes.node1.share('node3')).toBe(256);

  // Back: node2 gains buckets from the others, and none moves between node1 and node3.
  const without = owners('node1');
  f.nodes.node2.setState('UP', 'Ready');
  await f.clock.advance(0);
  await settle();
  expect(f.nodes.node3.view().members).toEqual(['node1', 'node2', 'node3']);
  expect(moved(without, owners('node3')).every((m) => m.to === 'node2')).toBe(true);
  expect(f.nodes.node3.share('node2')).toBe(85);
});

it('a silent follower is given up after slost_count pulses, not before', async () => {
  const before = owners('node1');
  f.udp.isolate(address('node3'));
  await f.clock.advance((SLOST - 1) * FARM_PULSE_MS);
  expect(f.nodes.node1.view().members).toEqual(['node1', 'node2', 'node3']);
  await f.clock.advance(2 * FARM_PULSE_MS);
  await settle();
  for (const n of ['node1', 'node2'] as const) {
    expect(f.nodes[n].view()).toMatchObject({ leader: 'node1', members: ['node1', 'node2'] });
    expect(moved(before, owners(n)).every((m) => m.from === 'node3')).toBe(true);
  }
});

it('a silent leader is replaced by the next name after mlost_count pulses; only its buckets move', async () => {
  const before = owners('node2');
  f.udp.isolate(address('node1'));
  await f.clock.advance((MLOST - 1) * FARM_PULSE_MS);
  expect(f.nodes.node2.view().leader).toBe('node1');
  await f.clock.advance(2 * FARM_PULSE_MS);
  await settle();
  for (const n of ['node2', 'node3'] as const) {
    expect(f.nodes[n].view()).toMatchObject({ leader: 'node2', members: ['node2', 'node3'] });
    expect(moved(before, owners(n)).every((m) => m.from === 'node1')).toBe(true);
  }
});
