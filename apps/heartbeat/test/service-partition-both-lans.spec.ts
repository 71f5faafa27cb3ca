// Scenario: every heartbeat LAN is cut (isolation). Both heartbeats go down, then the remote
// state becomes UNKNOWN with no remote resources; healing one LAN is enough to know it again.
import { PULSE_MS, TIMEOUT_MS } from './support/fixtures';
import { MODULE, metricValue, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
beforeEach(async () => {
  t = await startTwoNodes();
  await steadyMirror(t);
  t.node2.admin.setState('SECOND', 'Ready', { 'mirror.uptodate': 'up' });
  await t.clock.advance(PULSE_MS);
});
afterEach(() => t.stopAll());

it('reports both heartbeats down, then the remote UNKNOWN, and recovers on heal', async () => {
  t.udp.partition('lan1');
  t.udp.partition('lan2');
  const from = t.node1.admin.resourceSets.length;
  await t.clock.advance(TIMEOUT_MS + PULSE_MS);

  expect(t.node1.admin.resourceSets.slice(from).map((r) => `${r.name}=${r.value}`)).toEqual([
    'heartbeat.lan1=down',
    'heartbeat.flow=down',
  ]);
  expect(t.node1.admin.peer()).toEqual({
    node: 'node2',
    state: 'UNKNOWN',
    readiness: 'UNKNOWN',
    resources: {},
    lans: [
      { name: 'lan1', ident: 'lan1', status: 'down' },
      { name: 'lan2', ident: 'flow', status: 'down' },
    ],
  });
  expect(t.node2.admin.peer()).toMatchObject({ state: 'UNKNOWN' });
  expect(await metricValue(t.node1.registry, 'keel_heartbeat_remote_known', { module: MODULE })).toBe(0);

  t.udp.heal('lan1');
  await t.clock.advance(2 * PULSE_MS);
  expect(t.node1.admin.heartbeat('lan1')).toBe('up');
  expect(t.node1.admin.heartbeat('flow')).toBe('down');
  expect(t.node1.admin.peer()).toMatchObject({
    state: 'SECOND',
    readiness: 'Ready',
    resources: { 'mirror.uptodate': 'up' },
    incarnation: t.node2.service.currentIncarnation,
  });
});

it('logs the loss like SafeKit: each heartbeat down, then Remote state UNKNOWN', async () => {
  t.udp.partition('lan1');
  t.udp.partition('lan2');
  await t.clock.advance(TIMEOUT_MS + PULSE_MS);
  const messages = t.node1.sink.records().map((r) => r['msg']);
  const tail = messages.slice(messages.indexOf('Resource heartbeat.lan1 set to down by heart'));
  expect(tail.slice(0, 3)).toEqual([
    'Resource heartbeat.lan1 set to down by heart',
    'Resource heartbeat.flow set to down by heart',
    'Remote state UNKNOWN',
  ]);
});
