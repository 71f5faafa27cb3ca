// A farm module's VIP in the vip service (decisions 0017, 0018), with the twins: `set` puts the
// filter in before the VIP (the kernel never answers ARP for it with this node's MAC) and tells
// the interface to prefer its own source; the buckets follow the farm views; the leader answers
// ARP with the virtual MAC and announces it; `remove` withdraws the VIP before the filter.
import type { FarmViewMessage } from '@keel/bus';
import { AddressTwin } from './support/address-twin';
import { vipAddress, vipPlan } from './support/plans';
import { build } from './support/vip-harness';

const VMAC = '5a:fe:c6:12:00:32';
const farmPlan = () =>
  vipPlan([
    {
      name: 'lb',
      tcpreset: false,
      addresses: [vipAddress('198.18.0.50', { vmac: VMAC })],
      farm: {
        node: 'node1',
        groups: [
          { name: 'FarmProto', rules: [{ virtualAddr: '*', port: 80, proto: 'tcp', filter: 'on_port' }] },
        ],
      },
    },
  ]);

const view = (leader: string, owner: (b: number) => string | null): FarmViewMessage => ({
  module: 'lb',
  leader,
  epoch: 1,
  members: ['node1', 'node2'],
  groups: [{ name: 'FarmProto', owners: Array.from({ length: 256 }, (_, b) => owner(b)) }],
});

async function settled<T>(fn: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('never settled');
}

test('set: the filter (closed) before the VIP, then its buckets and the ARP answers follow the views', async () => {
  const { ask, twin, farm, view: publish, resources } = await build(farmPlan());
  expect(await ask('set', 'lb')).toEqual({
    ok: true,
    addresses: [{ addr: '198.18.0.50', prefix: 24, ifname: 'eth0' }],
  });
  expect(farm.journal.slice(0, 2)).toEqual([
    'apply add table arp keel_lb [addresses: none]',
    'prefer own source on eth0 [addresses: none]',
  ]);
  expect(farm.scripts[0]).toMatch(/set g0 \{\n\s+typeof meta length\n\s+\}/); // no element: closed
  expect(farm.ownSource).toEqual(['eth0']);
  expect([...farm.holds]).toEqual([`eth0 ${VMAC}`]);
  expect(twin.keelAddresses()).toEqual(['eth0 198.18.0.50/24']);
  expect(resources).toEqual(
    expect.arrayContaining(['ip.198.18.0.50=up by ipcheck', 'intf.198.18.0.0=up by intfcheck']),
  );

  // node1 serves the low half and leads.
  publish(view('node1', (b) => (b < 128 ? 'node1' : 'node2')));
  expect(await settled(() => farm.buckets('g0'))).toEqual(Array.from({ length: 128 }, (_, b) => b));
  expect(await settled(() => (farm.responders.size > 0 ? [...farm.responders] : undefined))).toEqual([
    `eth0 198.18.0.50 at ${VMAC}`,
  ]);
  expect(farm.announcedAs).toEqual([`eth0 198.18.0.50 at ${VMAC}`]);

  // node2 leads and takes everything: node1's set empties, it stops answering.
  publish(view('node2', () => 'node2'));
  expect(await settled(() => (farm.buckets('g0')?.length === 0 ? [] : undefined))).toEqual([]);
  expect(farm.responders.size).toBe(0);
});

test('remove: the VIP leaves before the filter, and the answers stop', async () => {
  const { ask, twin, farm, view: publish } = await build(farmPlan());
  await ask('set', 'lb');
  publish(view('node1', () => 'node1'));
  await settled(() => (farm.responders.size > 0 ? true : undefined));
  expect(await ask('remove', 'lb')).toMatchObject({ ok: true, addresses: [{ addr: '198.18.0.50' }] });
  expect(twin.keelAddresses()).toEqual([]);
  expect(farm.responders.size).toBe(0);
  expect(farm.holds.size).toBe(0);
  expect(farm.journal.at(-1)).toBe('remove lb [addresses: none]');
});

test("a view before the VIP is set is kept: the set's first script holds the node's buckets", async () => {
  const { ask, farm, view: publish } = await build(farmPlan());
  publish(view('node2', (b) => (b % 2 === 0 ? 'node1' : 'node2')));
  await new Promise((r) => setImmediate(r));
  expect(farm.scripts).toEqual([]);
  await ask('set', 'lb');
  expect(farm.scripts[0]).toMatch(/elements = \{ 0, 2, 4,/);
  expect(farm.responders.size).toBe(0);
});

test('drain answers once a view gives the buckets to the others, or says so after its timeout', async () => {
  const { ask, farm, clock, view: publish } = await build(farmPlan());
  await ask('set', 'lb');
  publish(view('node1', (b) => (b < 128 ? 'node1' : 'node2')));
  await settled(() => (farm.buckets('g0')?.length === 128 ? true : undefined));

  let answer: unknown;
  const draining = ask('drain', 'lb').then((a) => (answer = a));
  await new Promise((r) => setImmediate(r));
  expect(answer).toBeUndefined();
  publish({ ...view('node2', () => 'node2'), members: ['node2'] });
  await draining;
  expect(answer).toEqual({ ok: true, addresses: [] });
  expect(farm.buckets('g0')).toEqual([]);

  // Nobody takes them (no view comes): the stop goes on after the timeout, and says why.
  publish(view('node1', () => 'node1'));
  await settled(() => (farm.buckets('g0')?.length === 256 ? true : undefined));
  const late = ask('drain', 'lb');
  await new Promise((r) => setImmediate(r));
  await clock.advance(1_000);
  expect(await late).toEqual({
    ok: false,
    message: 'Farm share not handed over within 1000 ms: this node still serves 256 buckets',
    addresses: [],
  });
});

test('a set nft refuses leaves nothing: an address an earlier run placed goes first, then the filter', async () => {
  const twin = new AddressTwin();
  await twin.add({ addr: '198.18.0.50', prefix: 24, ifname: 'eth0' }); // left by an earlier run
  const { ask, farm, resources } = await build(farmPlan(), twin);
  farm.refuse = 'Error: Could not process rule: No such file or directory';
  expect(await ask('set', 'lb')).toEqual({
    ok: false,
    message:
      'Virtual IP 198.18.0.50 could not be set: Error: Could not process rule: No such file or directory',
    addresses: [],
  });
  expect(twin.keelAddresses()).toEqual([]);
  expect(farm.journal.at(-1)).toBe('remove lb [addresses: none]');
  expect(resources).toContain('ip.198.18.0.50=down by ipcheck');
});

test('a bucket update nft refuses is tried again while the view stays; the leader answers ARP meanwhile', async () => {
  const { ask, farm, clock, view: publish } = await build(farmPlan());
  await ask('set', 'lb');
  farm.refuse = 'Error: busy';
  publish(view('node1', () => 'node1'));
  await settled(() => (farm.responders.size > 0 ? true : undefined));
  expect(farm.buckets('g0')).toBeUndefined();
  farm.refuse = undefined;
  await clock.advance(500);
  expect(await settled(() => farm.buckets('g0'))).toHaveLength(256);
});

test('a view not renewed within its lease (heartbeat killed): this node serves nothing and stops answering ARP', async () => {
  const { ask, farm, clock, view: publish, logs } = await build(farmPlan());
  await ask('set', 'lb');
  publish({ ...view('node1', (b) => (b < 128 ? 'node1' : 'node2')), leaseMs: 1_000 });
  await settled(() => (farm.buckets('g0')?.length === 128 && farm.responders.size > 0 ? true : undefined));
  // Renewed in time: nothing changes.
  await clock.advance(900);
  publish({ ...view('node1', (b) => (b < 128 ? 'node1' : 'node2')), leaseMs: 1_000 });
  await clock.advance(900);
  expect(farm.buckets('g0')).toHaveLength(128);
  // Silent for a whole lease.
  await clock.advance(100);
  expect(await settled(() => (farm.buckets('g0')?.length === 0 ? true : undefined))).toBe(true);
  expect(farm.responders.size).toBe(0);
  expect(logs).toContain(
    'E Farm view not renewed for 1000 ms (heartbeat silent): this node serves no bucket until it is back',
  );
});

test('an interface whose link comes back is held again: the virtual MAC membership and the leader socket', async () => {
  const { ask, twin, farm, clock, view: publish } = await build(farmPlan());
  await ask('set', 'lb');
  publish(view('node1', () => 'node1'));
  await settled(() => (farm.responders.size > 0 ? true : undefined));
  expect(farm.holdsTaken).toBe(1);
  twin.links.set('eth0', false); // the interface goes (a bond re-created, a driver reloaded)
  await clock.advance(100);
  twin.links.set('eth0', true);
  await clock.advance(100);
  await settled(() => (farm.holdsTaken === 2 ? true : undefined));
  expect([...farm.holds]).toEqual([`eth0 ${VMAC}`]);
  expect(farm.journal.slice(-2)).toEqual([
    `stop eth0 198.18.0.50 at ${VMAC}`,
    `answer eth0 198.18.0.50 at ${VMAC}`,
  ]);
});
