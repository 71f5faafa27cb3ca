// Scenario: node1's process does not run for longer than the heartbeat timeout (SIGSTOP, swap,
// a long pause) while node2 keeps sending. When node1 runs again its loss timer is overdue;
// it first reads the packets queued in its sockets, and so does not declare a peer dead for a
// silence that was its own.
import { MODULE, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';
import { PULSE_MS, TIMEOUT_MS } from './support/fixtures';
import { NODE1 } from './support/packets';

let t: TwoNodes;
afterEach(() => t.stopAll());

async function freezeNode1(): Promise<void> {
  t.udp.hold(NODE1.lan1.address);
  t.udp.hold(NODE1.lan2.address);
  t.clock.jump(2 * TIMEOUT_MS); // node1 does not run; nobody's timers fire
  await t.clock.advance(0); // node1 runs again: overdue timers first (node2's pulses are queued)
  t.udp.release(NODE1.lan1.address); // then the sockets are read
  t.udp.release(NODE1.lan2.address);
  await t.clock.advance(10);
}

it('reads the queued packets before judging the peer', async () => {
  t = await startTwoNodes();
  await steadyMirror(t);
  const before = t.node1.admin.resourceSets.length;
  await freezeNode1();
  expect(t.node1.admin.resourceSets.slice(before)).toEqual([]);
  expect(t.node1.service.view(MODULE)?.peers[0]).toMatchObject({
    state: 'SECOND',
    lans: [{ status: 'up' }, { status: 'up' }],
  });
  expect(
    t.node1.sink.records().some((r) => r['msg'] === 'heartbeat timer ran late: this process was stalled'),
  ).toBe(true);
});

it('(control) without the stall tolerance the same freeze reads as a peer loss', async () => {
  t = await startTwoNodes({ service: { stallToleranceMs: Number.POSITIVE_INFINITY } });
  await steadyMirror(t);
  const before = t.node1.admin.resourceSets.length;
  await freezeNode1();
  expect(t.node1.admin.resourceSets.slice(before).map((r) => `${r.name}=${r.value}`)).toEqual([
    'heartbeat.lan1=down',
    'heartbeat.flow=down',
    'heartbeat.lan1=up',
    'heartbeat.flow=up',
  ]);
});

it('after the stall, a peer that then goes silent is still declared lost', async () => {
  t = await startTwoNodes();
  await steadyMirror(t);
  await freezeNode1();
  // node2 dies (its packets stop) once node1 runs again: node1's loss timer must still run,
  // although the queued packets arrived while the stall's judgement was pending.
  t.udp.partition('lan1');
  t.udp.partition('lan2');
  const before = t.node1.admin.resourceSets.length;
  await t.clock.advance(TIMEOUT_MS + 2 * PULSE_MS);
  expect(t.node1.admin.resourceSets.slice(before).map((r) => `${r.name}=${r.value}`)).toEqual([
    'heartbeat.lan1=down',
    'heartbeat.flow=down',
  ]);
  expect(t.node1.admin.peer()).toMatchObject({ state: 'UNKNOWN' });
});
