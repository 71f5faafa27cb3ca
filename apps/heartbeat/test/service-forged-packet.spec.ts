// Scenario (TARGETS R4): forged packets reach node1 — signed with another key, or with the
// right key but claiming to come from node1 itself, for another module or another LAN, or
// plain garbage. Each is rejected, counted under its reason, and changes nothing: no resource,
// no view, no remote state; during an isolation they cannot keep the peer alive.
import { OTHER_KEY, PULSE_MS, TEST_KEY, TIMEOUT_MS } from './support/fixtures';
import { bytesOf, NODE1, NODE2, packet } from './support/packets';
import { MODULE, metricValue, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
beforeEach(async () => {
  t = await startTwoNodes();
  await steadyMirror(t);
});
afterEach(() => t.stopAll());

const rejected = (reason: string) =>
  metricValue(t.node1.registry, 'keel_heartbeat_packets_rejected_total', { module: MODULE, reason });

it.each([
  ['bad_mac', bytesOf(packet({ incarnation: 9e12, state: 'STOP', readiness: 'NotReady' }), OTHER_KEY)],
  ['unknown_sender', bytesOf(packet({ sender: 'node1', incarnation: 9e12, state: 'STOP' }), TEST_KEY)],
  ['unknown_sender', bytesOf(packet({ sender: 'node3', incarnation: 9e12, state: 'STOP' }), TEST_KEY)],
  ['wrong_module', bytesOf(packet({ module: 'db', incarnation: 9e12, state: 'STOP' }), TEST_KEY)],
  ['wrong_lan', bytesOf(packet({ lan: 'lan2', incarnation: 9e12, state: 'STOP' }), TEST_KEY)],
  ['malformed', new TextEncoder().encode('{"module":"web","state":"STOP"}')],
])('rejects a %s packet, counts it and changes nothing', async (reason, bytes) => {
  const view = t.node1.service.view(MODULE);
  const received = t.node1.admin.received();
  const accepted = await metricValue(t.node1.registry, 'keel_heartbeat_packets_received_total', {
    module: MODULE,
    lan: 'lan1',
  });

  t.udp.inject(NODE1.lan1, bytes, NODE2.lan1);
  await t.clock.advance(0);

  expect(await rejected(reason)).toBe(1);
  expect(t.node1.admin.received()).toBe(received);
  expect(t.node1.service.view(MODULE)).toEqual(view);
  expect(t.node1.service.view(MODULE)?.peers[0]).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
  expect(
    await metricValue(t.node1.registry, 'keel_heartbeat_packets_received_total', {
      module: MODULE,
      lan: 'lan1',
    }),
  ).toBe(accepted);
});

it('cannot keep an isolated peer alive', async () => {
  t.udp.partition('lan1');
  t.udp.partition('lan2');
  let sequence = 1;
  for (let elapsed = 0; elapsed <= TIMEOUT_MS + PULSE_MS; elapsed += PULSE_MS) {
    for (const lan of ['lan1', 'lan2'] as const) {
      const forged = bytesOf(packet({ lan, incarnation: 9e12, sequence: sequence++ }), OTHER_KEY);
      t.udp.inject(NODE1[lan], forged, NODE2[lan]);
    }
    await t.clock.advance(PULSE_MS);
  }
  expect(t.node1.admin.heartbeat('lan1')).toBe('down');
  expect(t.node1.admin.heartbeat('flow')).toBe('down');
  expect(t.node1.admin.peer().state).toBe('UNKNOWN');
  expect(await rejected('bad_mac')).toBe(sequence - 1);
});

it('reports repeated rejections once in the module log, not once per packet', async () => {
  for (let i = 0; i < 20; i++)
    t.udp.inject(NODE1.lan1, bytesOf(packet({ sequence: i + 1 }), OTHER_KEY), NODE2.lan1);
  await t.clock.advance(0);
  expect(await rejected('bad_mac')).toBe(20);
  expect(t.node1.admin.logs).toHaveLength(1);
  expect(t.node1.admin.logs[0]).toMatchObject({ module: MODULE, level: 'E', component: 'heart' });
  expect(t.node1.admin.logs[0].message).toContain('10.0.1.2');
});
