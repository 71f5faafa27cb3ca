// Medium test (TARGETS R4), real UDP on loopback addresses: node1's heartbeat application
// restarts, so its replay guard (in memory) starts empty. The tap's recording of node2's lan1
// packets from before the restart — authentic, of node2's current incarnation — sent again by
// mallory from its own socket, would be accepted once each without the echo of wire v2. They
// echo node1's previous incarnation: refused as stale, counted, they change nothing (lan1,
// where node2's own packets are cut, stays down), while node2's genuine packets are accepted
// again on lan2, and on lan1 once the cut heals (support/dgram-pair.ts, lan1-attack.ts).
import { REJECT_REASONS } from '../src/wire/errors';
import {
  ADDR,
  metric,
  service,
  startApp,
  startPair,
  steady,
  stopApp,
  waitFor,
  type Pair,
} from './support/dgram-pair';
import { republish, snapshot } from './support/lan1-attack';
import { decoded } from './support/packets';
import { MODULE } from './support/two-nodes';

jest.setTimeout(60_000);

let t: Pair;

beforeAll(async () => {
  // lan1 goes down soon after node1's restart (node2's lan1 packets are cut at the tap).
  t = await startPair('600ms');
  await steady(t);
});

afterAll(() => t?.stop());

it('refuses, after node1 restarts, the packets of node2 recorded before, and hears node2 again', async () => {
  const { node1, node2 } = t;
  // node2's lan1 packets stop at the tap: from now on lan1 carries only what mallory sends.
  t.tap.cut = true;
  const recorded = t.tap.forwarded.slice();
  const previous = service(node1).currentIncarnation;
  expect(recorded.length).toBeGreaterThan(0);
  for (const bytes of recorded) expect(decoded(bytes).incarnation).toBe(service(node2).currentIncarnation);

  await stopApp(node1);
  const sets = node1.admin.resourceSets.length;
  await startApp(node1);
  expect(service(node1).currentIncarnation).toBeGreaterThan(previous);
  // admin tells the restarted heartbeat its state; lan2 carries the genuine exchange again.
  node1.admin.setState('PRIM', 'Ready');
  await waitFor('node1 sees node2 again on lan2 and lan1 down (cut), node2 sees node1 restarted', () => {
    const since = node1.admin.resourceSets.slice(sets).map((r) => `${r.name}=${r.value}`);
    return (
      since.includes('heartbeat.flow=up') &&
      since.includes('heartbeat.lan1=down') &&
      node1.admin.peer().state === 'SECOND' &&
      node2.admin.peer().state === 'PRIM' &&
      node2.admin.peer().incarnation === service(node1).currentIncarnation
    );
  });
  const before = await snapshot(node1);
  expect(before.received).toBe(0); // on lan1, since the restart

  for (const bytes of recorded) t.mallory.send(bytes, t.port, ADDR.node1.lan1);
  await waitFor(
    'node1 refused every one as stale',
    async () =>
      (await metric(node1, 'keel_heartbeat_packets_rejected_total', { reason: 'stale' })) ===
      before.rejected['stale'] + recorded.length,
  );

  const after = await snapshot(node1);
  expect(after.rejected).toEqual({ ...before.rejected, stale: before.rejected['stale'] + recorded.length });
  expect(Object.keys(after.rejected)).toEqual([...REJECT_REASONS]);
  expect(after.received).toBe(0);
  expect(after.view).toEqual(before.view);
  expect(after.view?.peers[0]).toMatchObject({
    state: 'SECOND',
    readiness: 'Ready',
    incarnation: service(node2).currentIncarnation,
    lans: [
      { name: 'lan1', status: 'down' },
      { name: 'lan2', status: 'up' },
    ],
  });
  expect(after.lanUp).toEqual({ lan1: 0, lan2: 1 });
  expect(node1.admin.logs.some((l) => l.message.includes('stale heartbeat from node2'))).toBe(true);
  // Nothing published in between: what node1 says when asked again is what it said before.
  const again = await republish(node1);
  expect(again.view).toEqual(before.published);
  expect(node1.admin.views.slice(before.views)).toEqual([again.view]);
  expect(again.sets.map((s) => [s.name, s.value])).toEqual([
    ['heartbeat.lan1', 'down'],
    ['heartbeat.flow', 'up'],
  ]);
  expect(node1.admin.resourceSets.slice(before.sets)).toEqual(again.sets);

  // node2's genuine lan1 packets, made after it heard node1's new start, are accepted again.
  t.tap.cut = false;
  await waitFor('node1 hears node2 on lan1 again', () => node1.admin.heartbeat('lan1') === 'up');
  expect(await metric(node1, 'keel_heartbeat_packets_received_total', { lan: 'lan1' })).toBeGreaterThan(0);
  expect(service(node1).view(MODULE)?.peers[0].incarnation).toBe(service(node2).currentIncarnation);
});
