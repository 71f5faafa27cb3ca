// Scenario: node3 runs another `<loadbalancing_list>` than node1 and node2 (a configuration
// change applied on some nodes only). It refuses the leader's view rather than read its tables
// as its own groups, says so once, and steps out of the membership: node1 and node2 serve every
// bucket between them, nobody serves a bucket twice.
import { settle } from '@keel/testing';
import { FarmNodes, farmXml } from './support/farm-nodes';

let f: FarmNodes;
beforeEach(async () => {
  f = await FarmNodes.start(farmXml(), { node3: farmXml({ node1: 1, node2: 1, node3: 2 }) });
  await f.allUp();
  await settle();
});
afterEach(() => f.close());

it("a node whose groups differ from the leader's steps out and says why; the others serve everything", async () => {
  const { node1, node3 } = f.nodes;
  expect(node1.view().members).toEqual(['node1', 'node2']);
  expect(node1.share('node1') + node1.share('node2')).toBe(256);
  expect(node3.view().members).toEqual([]);
  expect(node3.logs.filter((l) => l.includes('Farm view refused'))).toEqual([
    "Farm view refused: node1's load-balancing groups differ from this node's (a configuration not applied everywhere)",
  ]);
});
