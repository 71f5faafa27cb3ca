// Scenario: `keel farm close` on node2 (admin sets farm.traffic to closed): node2 stays UP but
// gives its share to the others at once; `keel farm open` takes it back (SafeKit's SETGROUPS
// none / all, reference §5.6.3). A node whose traffic is closed before it is UP never joins.
import { settle } from '@keel/testing';
import { FARM_PULSE_MS, FarmNodes } from './support/farm-nodes';

let f: FarmNodes;
beforeEach(async () => {
  f = await FarmNodes.start();
});
afterEach(() => f.close());

it('closed traffic gives the share away at once; open takes it back', async () => {
  await f.allUp();
  const { node1, node2 } = f.nodes;
  node2.setTraffic('closed');
  await f.clock.advance(0);
  await settle();
  expect(node1.view().members).toEqual(['node1', 'node3']);
  expect(node1.share('node2')).toBe(0);
  node2.setTraffic('open');
  await f.clock.advance(0);
  await settle();
  expect(node1.view().members).toEqual(['node1', 'node2', 'node3']);
  expect(node1.share('node2')).toBe(85);
});

it('a node UP (Ready) with its traffic closed (scriptcontrol, before its scripts open it) is no member', async () => {
  f.nodes.node3.setTraffic('closed');
  await f.allUp();
  await f.clock.advance(2 * FARM_PULSE_MS);
  expect(f.nodes.node1.view().members).toEqual(['node1', 'node2']);
});
