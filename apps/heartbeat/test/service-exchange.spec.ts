// Scenario: two nodes exchange heartbeats on both LANs. Each learns the other's state and
// advertised resources, sets heartbeat.<ident> up for both LANs, and publishes the view.
import { codecs, subjects } from '@keel/bus';
import { MODULE, metricValue, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
beforeEach(async () => {
  t = await startTwoNodes();
});
afterEach(() => t.stopAll());

it('sends nothing before the local state is known, and the peer stays UNKNOWN', async () => {
  await t.clock.advance(300);
  expect(
    await metricValue(t.node1.registry, 'keel_heartbeat_packets_sent_total', { module: MODULE, lan: 'lan1' }),
  ).toBe(0);
  expect(t.node2.admin.peer()).toMatchObject({ node: 'node1', state: 'UNKNOWN', readiness: 'UNKNOWN' });
  expect(t.node2.admin.heartbeat('lan1')).toBeUndefined(); // still init: nothing decided yet
});

it('brings both heartbeats up and shows the peer state on each node', async () => {
  await steadyMirror(t);

  expect(t.node1.admin.heartbeat('lan1')).toBe('up');
  expect(t.node1.admin.heartbeat('flow')).toBe('up');
  expect(t.node1.admin.peer()).toMatchObject({
    node: 'node2',
    state: 'SECOND',
    readiness: 'Ready',
    incarnation: t.node2.service.currentIncarnation,
    lans: [
      { name: 'lan1', ident: 'lan1', status: 'up' },
      { name: 'lan2', ident: 'flow', status: 'up' },
    ],
  });
  expect(t.node2.admin.peer()).toMatchObject({ node: 'node1', state: 'PRIM', readiness: 'Ready' });
  expect(t.node1.admin.resourceSets.every((r) => r.component === 'heart' && r.module === MODULE)).toBe(true);
  expect(
    await metricValue(t.node1.registry, 'keel_heartbeat_packets_received_total', {
      module: MODULE,
      lan: 'lan2',
    }),
  ).toBeGreaterThan(0);
  expect(await metricValue(t.node1.registry, 'keel_heartbeat_lan_up', { module: MODULE, lan: 'lan1' })).toBe(
    1,
  );
});

it('sends a state change at once, before the next pulse', async () => {
  await steadyMirror(t);
  t.node2.admin.setState('STOP', 'NotReady');
  await t.clock.advance(0);
  expect(t.node1.admin.peer()).toMatchObject({ state: 'STOP', readiness: 'NotReady' });
});

it('carries the advertised facts with the state, and resource changes at once', async () => {
  await steadyMirror(t);
  t.node2.admin.setState('SECOND', 'Ready', { 'mirror.uptodate': 'up' });
  await t.clock.advance(0);
  expect(t.node1.admin.peer().resources).toEqual({ 'mirror.uptodate': 'up' });

  t.node2.admin.changeResource('rfs.uptodate', 'up');
  t.node2.admin.changeResource('state.local', 'SECOND'); // carried by the packet itself, not copied
  await t.clock.advance(0);
  expect(t.node1.admin.peer().resources).toEqual({ 'mirror.uptodate': 'up', 'rfs.uptodate': 'up' });
});

it('sends a state and the resources published with it in one packet', async () => {
  await steadyMirror(t);
  const sent = () =>
    metricValue(t.node2.registry, 'keel_heartbeat_packets_sent_total', { module: MODULE, lan: 'lan1' });
  const before = await sent();
  const views = t.node1.admin.views.length;
  // admin publishes the new state, then the facts that go with it, in one burst
  t.node2.admin.setState('ALONE', 'Ready');
  t.node2.admin.changeResource('heart.alonefromsecond', 'up');
  t.node2.admin.changeResource('heart.lastprim', 'up');
  await t.clock.advance(0);
  expect(await sent()).toBe(before + 1);
  expect(t.node1.admin.views.slice(views).map((v) => [v.peers[0].state, v.peers[0].resources])).toEqual([
    ['ALONE', { 'heart.alonefromsecond': 'up', 'heart.lastprim': 'up' }],
  ]);
});

it('publishes changes only: steady pulses add no message', async () => {
  await steadyMirror(t);
  const before = t.node1.admin.received();
  await t.clock.advance(2_000);
  expect(t.node1.admin.received()).toBe(before);
});

it('tells a restarted admin again what it knows', async () => {
  await steadyMirror(t);
  const before = t.node1.admin.resourceSets.length;
  const admin = t.node1.busNetwork.connect({ source: { service: 'admin', node: 'node1' } });
  admin.publish(subjects.presence('admin'), codecs.servicePresence, {
    service: 'admin',
    status: 'ready',
    pid: 1,
  });
  await t.clock.advance(0);
  expect(t.node1.admin.resourceSets.slice(before).map((r) => `${r.name}=${r.value}`)).toEqual([
    'heartbeat.lan1=up',
    'heartbeat.flow=up',
  ]);
  await admin.close();
});
