// Scenario: node1's heartbeat (the leader's) restarts while the three nodes are UP (Ready). Its
// stop tells the others at once (node2 leads and serves node1's buckets with node3); the
// restarted service listens for mlost_count pulses before it makes a view: it never takes the
// others' buckets for itself in between (its kernel would reset their clients' connections), then
// it leads again from the view it heard, with its share back and nothing else moved.
import { settle } from '@keel/testing';
import { FARM_PULSE_MS, FarmNodes, MLOST } from './support/farm-nodes';

let f: FarmNodes;
beforeEach(async () => {
  f = await FarmNodes.start();
  await f.allUp();
});
afterEach(() => f.close());

it('a restarted leader serves no more than its share while it listens, then leads with its share back', async () => {
  const { node1, node2, node3 } = f.nodes;
  await node1.stop();
  await settle();
  expect(node2.view()).toMatchObject({ leader: 'node2', members: ['node2', 'node3'] });
  const without = node2.view().groups[0].owners;
  await node1.start();
  node1.views.length = 0;
  node1.setState('UP', 'Ready'); // admin tells a (re)started heartbeat its state
  for (let i = 0; i < MLOST + 3; i++) {
    await f.clock.advance(FARM_PULSE_MS);
    await settle();
    for (const v of node1.views)
      expect(v.groups[0].owners.filter((o) => o === 'node1').length).toBeLessThanOrEqual(86);
  }
  expect(node1.view()).toMatchObject({ leader: 'node1', members: ['node1', 'node2', 'node3'] });
  expect(node2.view().groups[0].owners).toEqual(node1.view().groups[0].owners);
  expect([node1.share('node1'), node1.share('node2'), node1.share('node3')].sort()).toEqual([85, 85, 86]);
  // node1's buckets came from the others; none moved between node2 and node3.
  const now = node3.view().groups[0].owners;
  expect(now.every((o, b) => o === without[b] || o === 'node1')).toBe(true);
});
