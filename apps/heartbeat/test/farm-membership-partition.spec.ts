// Scenario: a partition of the farm LAN. Each side goes on alone and serves every bucket between
// its nodes (SafeKit accepts it, reference §4.3); at the reunion the lowest name leads again,
// every node follows one view above both sides' epochs, and the three share the buckets again.
import { settle } from '@keel/testing';
import { address, FARM_PULSE_MS, FarmNodes, MLOST } from './support/farm-nodes';

let f: FarmNodes;
beforeEach(async () => {
  f = await FarmNodes.start();
  await f.allUp();
});
afterEach(() => f.close());

it('each side of a partition serves everything; the reunion restores one view and the three shares', async () => {
  const { node1, node2, node3 } = f.nodes;
  const split = [node1.share('node1'), node1.share('node2'), node1.share('node3')];
  f.udp.isolate(address('node3'));
  await f.clock.advance((MLOST + 2) * FARM_PULSE_MS);
  await settle();
  expect(node3.view()).toMatchObject({ leader: 'node3', members: ['node3'] });
  expect(node3.share('node3')).toBe(256);
  expect(node1.view()).toMatchObject({ leader: 'node1', members: ['node1', 'node2'] });
  expect(node1.share('node1') + node1.share('node2')).toBe(256);

  f.udp.rejoin(address('node3'));
  await f.clock.advance(3 * FARM_PULSE_MS);
  await settle();
  const epochs = [node1, node2, node3].map((n) => n.view().epoch);
  for (const n of [node1, node2, node3]) {
    expect(n.view()).toMatchObject({ leader: 'node1', members: ['node1', 'node2', 'node3'] });
    expect(n.view().groups[0].owners).toEqual(node1.view().groups[0].owners);
  }
  expect(new Set(epochs).size).toBe(1);
  expect([node1.share('node1'), node1.share('node2'), node1.share('node3')]).toEqual(split);
});
