// Scenario: the replication LAN (ident "flow") is cut. Its heartbeat goes down on both nodes,
// the other LAN keeps the peer state known; healing brings the heartbeat back up.
import { PULSE_MS, TIMEOUT_MS } from './support/fixtures';
import { MODULE, metricValue, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
beforeEach(async () => {
  t = await startTwoNodes();
  await steadyMirror(t);
});
afterEach(() => t.stopAll());

it('sets heartbeat.flow down, keeps the remote state, and sets it up again on heal', async () => {
  t.udp.partition('lan2');
  await t.clock.advance(TIMEOUT_MS + PULSE_MS);

  for (const [node, peerState] of [
    [t.node1, 'SECOND'],
    [t.node2, 'PRIM'],
  ] as const) {
    expect(node.admin.heartbeat('flow')).toBe('down');
    expect(node.admin.heartbeat('lan1')).toBe('up');
    expect(node.admin.peer()).toMatchObject({
      state: peerState,
      readiness: 'Ready',
      lans: [
        { ident: 'lan1', status: 'up' },
        { ident: 'flow', status: 'down' },
      ],
    });
    expect(await metricValue(node.registry, 'keel_heartbeat_lan_up', { module: MODULE, lan: 'lan2' })).toBe(
      0,
    );
  }

  t.udp.heal('lan2');
  await t.clock.advance(2 * PULSE_MS);
  expect(t.node1.admin.heartbeat('flow')).toBe('up');
  expect(t.node2.admin.heartbeat('flow')).toBe('up');
  expect(t.node1.admin.peer().lans.map((l) => l.status)).toEqual(['up', 'up']);
});

it('reports the loss once, not at every pulse', async () => {
  t.udp.partition('lan2');
  await t.clock.advance(5 * TIMEOUT_MS);
  const flowSets = t.node1.admin.resourceSets.filter((r) => r.name === 'heartbeat.flow').map((r) => r.value);
  expect(flowSets).toEqual(['up', 'down']);
});
