// Scenario (TARGETS R4): an attacker on the LAN records node2's heartbeats and sends them
// again. Replays are rejected, counted and change nothing; replaying recorded packets during
// an isolation does not keep the peer alive; after node2 restarts, its old packets stay dead.
import { PULSE_MS, TIMEOUT_MS } from './support/fixtures';
import { NODE1, NODE2 } from './support/packets';
import { MODULE, metricValue, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
beforeEach(async () => {
  t = await startTwoNodes();
  t.udp.record();
  await steadyMirror(t);
});
afterEach(() => t.stopAll());

const replays = () =>
  metricValue(t.node1.registry, 'keel_heartbeat_packets_rejected_total', {
    module: MODULE,
    reason: 'replay',
  });
const recordedFromNode2 = (lan: 'lan1' | 'lan2') =>
  t.udp.sent.filter((d) => d.from.address === NODE2[lan].address).map((d) => d.bytes);

it('rejects a packet sent again, counts it, and changes nothing', async () => {
  const [last] = recordedFromNode2('lan1').slice(-1);
  const view = t.node1.service.view(MODULE);
  const received = t.node1.admin.received();

  t.udp.inject(NODE1.lan1, last, NODE2.lan1);
  await t.clock.advance(0);

  expect(await replays()).toBe(1);
  expect(t.node1.admin.received()).toBe(received);
  expect(t.node1.service.view(MODULE)).toEqual(view);
});

it('does not keep an isolated peer alive with recorded packets', async () => {
  const recorded = { lan1: recordedFromNode2('lan1'), lan2: recordedFromNode2('lan2') };
  t.udp.partition('lan1');
  t.udp.partition('lan2');
  let injected = 0;
  for (let i = 0; i * PULSE_MS <= TIMEOUT_MS + PULSE_MS; i++) {
    for (const lan of ['lan1', 'lan2'] as const) {
      // Old packets in their original order: each is authentic but not newer than the last seen.
      const bytes = recorded[lan][i % recorded[lan].length];
      t.udp.inject(NODE1[lan], bytes, NODE2[lan]);
      injected++;
    }
    await t.clock.advance(PULSE_MS);
  }
  expect(t.node1.admin.heartbeat('lan1')).toBe('down');
  expect(t.node1.admin.heartbeat('flow')).toBe('down');
  expect(t.node1.admin.peer().state).toBe('UNKNOWN');
  expect(await replays()).toBe(injected);
});

it('accepts the restarted peer (new incarnation) and still rejects its old packets', async () => {
  const old = recordedFromNode2('lan1');
  const before = t.node2.service.currentIncarnation;
  await t.restart(t.node2);
  t.node2.admin.setState('SECOND', 'Ready');
  await t.clock.advance(2 * PULSE_MS);
  expect(t.node2.service.currentIncarnation).toBeGreaterThan(before);
  expect(t.node1.admin.peer()).toMatchObject({
    state: 'SECOND',
    incarnation: t.node2.service.currentIncarnation,
  });

  const rejectedBefore = await replays();
  for (const bytes of old) t.udp.inject(NODE1.lan1, bytes, NODE2.lan1);
  await t.clock.advance(0);
  expect(await replays()).toBe(rejectedBefore + old.length);
  expect(t.node1.admin.peer().incarnation).toBe(t.node2.service.currentIncarnation);
});
