// keel_vip_farm_buckets: the buckets of each farm group this node's set holds, as the views move
// them (read when Prometheus asks).
import type { FarmViewMessage } from '@keel/bus';
import { vipAddress, vipPlan } from './support/plans';
import { build } from './support/vip-harness';

const plan = () =>
  vipPlan([
    {
      name: 'lb',
      tcpreset: false,
      addresses: [vipAddress('198.18.0.50', { vmac: '5a:fe:c6:12:00:32' })],
      farm: {
        node: 'node1',
        groups: [
          { name: 'FarmProto', rules: [{ virtualAddr: '*', port: 80, proto: 'tcp', filter: 'on_port' }] },
        ],
      },
    },
  ]);

const view = (owner: (b: number) => string): FarmViewMessage => ({
  module: 'lb',
  leader: 'node1',
  epoch: 1,
  members: ['node1', 'node2'],
  groups: [{ name: 'FarmProto', owners: Array.from({ length: 256 }, (_, b) => owner(b)) }],
});

test("the farm share metric is the set's buckets: 0, then a quarter, then all", async () => {
  const { ask, farm, view: publish, metrics } = await build(plan());
  const share = async () =>
    (await metrics.getSingleMetricAsString('keel_vip_farm_buckets'))
      .split('\n')
      .filter((l) => !l.startsWith('#'));
  expect((await ask('set', 'lb')).ok).toBe(true);
  expect(await share()).toEqual([
    'keel_vip_farm_buckets{module="lb",group="FarmProto",service="vip",node="node1"} 0',
  ]);

  publish(view((b) => (b < 64 ? 'node1' : 'node2')));
  for (let i = 0; i < 100 && farm.buckets('g0')?.length !== 64; i++)
    await new Promise((r) => setImmediate(r));
  expect(await share()).toEqual([
    'keel_vip_farm_buckets{module="lb",group="FarmProto",service="vip",node="node1"} 64',
  ]);

  publish(view(() => 'node1'));
  for (let i = 0; i < 100 && farm.buckets('g0')?.length !== 256; i++)
    await new Promise((r) => setImmediate(r));
  expect(await share()).toEqual([
    'keel_vip_farm_buckets{module="lb",group="FarmProto",service="vip",node="node1"} 256',
  ]);
});
