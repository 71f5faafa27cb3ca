// Scenario: three farm nodes start. Nobody serves before a node is UP (Ready); once all three
// are, every node follows the same view, made by node1 (the lowest name): three members, the 256
// buckets split 86/85/85, the same owner for each bucket everywhere (reference §4.3, 0017).
import { settle } from '@keel/testing';
import { FARM_PULSE_MS, FarmNodes } from './support/farm-nodes';

let f: FarmNodes;
beforeEach(async () => {
  f = await FarmNodes.start();
});
afterEach(() => f.close());

it('serves nothing before any node is UP (Ready), then all three share the buckets under one view', async () => {
  const { node1, node2, node3 } = f.nodes;
  await f.clock.advance(5 * FARM_PULSE_MS);
  for (const n of [node1, node2, node3]) {
    expect(n.view()).toMatchObject({ module: 'lb', members: [] });
    expect(n.view().leader).toBeUndefined();
    expect(n.view().groups[0].owners.every((o) => o === null)).toBe(true);
  }

  await f.allUp();
  await settle();
  const views = [node1, node2, node3].map((n) => n.view());
  for (const v of views) {
    expect(v).toMatchObject({ leader: 'node1', members: ['node1', 'node2', 'node3'] });
    expect(v.groups.map((g) => g.name)).toEqual(['FarmProto']);
    expect(v.groups[0].owners).toEqual(views[0].groups[0].owners);
    expect(v.epoch).toBe(views[0].epoch);
  }
  expect([node1.share('node1'), node1.share('node2'), node1.share('node3')].sort()).toEqual([85, 85, 86]);
});

it('a single node UP (Ready) serves every bucket', async () => {
  f.nodes.node2.setState('UP', 'Ready');
  await f.clock.advance(2 * FARM_PULSE_MS);
  for (const n of Object.values(f.nodes)) {
    expect(n.view()).toMatchObject({ leader: 'node2', members: ['node2'] });
    expect(n.share('node2')).toBe(256);
  }
});
