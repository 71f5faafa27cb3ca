// The receive pipeline and the echo of wire v2 (pure, TARGETS R4). After the checks of the
// socket (framing, MAC, module, sender, LAN) the receiver notes the peer's incarnation, then
// refuses as stale a packet that does not echo its own: one made before this start of its
// heartbeat (recorded, or sent before the peer heard us). A stale packet changes nothing — no
// liveness, no state, no replay-guard entry — but its incarnation is learned all the same, so
// two nodes that both (re)start cannot wait on each other forever. What is learned is a maximum:
// an older authentic packet never lowers it.
import { heardOf, noHeard, noteHeard, type HeardIncarnations } from '../src/core/echo';
import { initialLiveness } from '../src/core/liveness';
import { receiveDatagram, type ReceiverState } from '../src/core/receive';
import { channelKey, emptyGuard } from '../src/core/replay-guard';
import { Stale } from '../src/wire/errors';
import type { HeartbeatPacket } from '../src/wire/packet';
import { OTHER_KEY, TEST_KEY } from './support/fixtures';
import { bytesOf, packet } from './support/packets';

const OWN = 500; // this node's incarnation, since its heartbeat started
const PEER = 1_000_000; // node2's current incarnation (support/packets.ts)
const expectation = { module: 'web', lan: 'lan1', senders: new Set(['node2']) };
const CHANNEL = channelKey('web', 'lan1', 'node2');

const start = (): ReceiverState => ({
  guard: emptyGuard(),
  liveness: initialLiveness([{ lan: 'lan1', ident: 'lan1', timeoutMs: 500 }], 0),
});
const fresh = (over: Partial<Omit<HeartbeatPacket, 'resources'>> = {}) =>
  bytesOf(packet({ echo: OWN, ...over }));
const receive = (state: ReceiverState, bytes: Uint8Array, heard: HeardIncarnations = noHeard(), now = 10) =>
  receiveDatagram(state, bytes, TEST_KEY, expectation, now, { own: OWN, heard });

/** node2's sequence 5, accepted: the LAN is up and the guard knows the channel. */
function afterOne(): ReceiverState {
  const first = receive(start(), fresh({ sequence: 5 }));
  expect(first.outcome.accepted).toBe(true);
  return first.state;
}

it('accepts a packet that echoes this start', () => {
  const { outcome, state } = receive(start(), fresh());
  expect(outcome).toMatchObject({ accepted: true, packet: { sender: 'node2', echo: OWN } });
  expect(state.liveness.lans[0].status).toBe('up');
});

it.each([
  ['0: the peer had not heard this node yet', 0],
  ["this node's previous incarnation: made before this start (a recording)", OWN - 1],
  ['a later incarnation than this one', OWN + 1],
])('refuses a packet that echoes %s as stale, and changes nothing', (_what, echo) => {
  const state = afterOne();
  const result = receive(
    state,
    fresh({ sequence: 6, echo, state: 'STOP', readiness: 'NotReady' }),
    noHeard(),
    20,
  );

  expect(result.outcome.accepted).toBe(false);
  if (result.outcome.accepted) return;
  expect(result.outcome.error).toBeInstanceOf(Stale);
  expect(result.outcome.error).toMatchObject({ reason: 'stale', sender: 'node2', echo, expected: OWN });
  expect(result.outcome.error.message).toMatch(/made before this node's heartbeat started/);
  // The very same state: no liveness refresh, no announcement, no guard entry or counter.
  expect(result.state).toBe(state);
  expect(result.state.guard.get(CHANNEL)).toEqual({ incarnation: PEER, sequence: 5, rejected: 0 });
  expect(result.state.liveness.lans[0].lastRx).toBe(10);
  expect(result.state.liveness.last).toMatchObject({ sequence: 5, state: 'SECOND' });
  // The guard did not move: node2's genuine sequence 6 is still fresh.
  expect(receive(result.state, fresh({ sequence: 6 })).outcome.accepted).toBe(true);
});

describe('the heard incarnation', () => {
  it.each([
    ['an accepted packet', true, () => receive(start(), fresh({ incarnation: 30 }))],
    [
      'a stale packet (learning never waits for acceptance)',
      false,
      () => receive(start(), fresh({ incarnation: 30, echo: 0 })),
    ],
    [
      'a packet refused as a replay',
      false,
      () => receive(afterOne(), fresh({ incarnation: 30, sequence: 9 })),
    ],
  ])('is learned from %s', (_what, accepted, run) => {
    const result = run();
    expect(result.outcome.accepted).toBe(accepted);
    expect(heardOf(result.heard, 'node2')).toBe(30);
  });

  it.each([
    ['a forged packet (another key)', bytesOf(packet({ incarnation: 9e12 }), OTHER_KEY)],
    ['an authentic packet of another sender', fresh({ sender: 'node3', incarnation: 9e12 })],
    ['this node reflected back', fresh({ sender: 'node1', incarnation: 9e12 })],
    ['an authentic packet for another module', fresh({ module: 'db', incarnation: 9e12 })],
    ['an authentic packet sent on another LAN', fresh({ lan: 'lan2', incarnation: 9e12 })],
  ])('is not learned from %s', (_what, bytes) => {
    const heard = noteHeard(noHeard(), 'node2', PEER);
    const result = receive(start(), bytes, heard);
    expect(result.outcome.accepted).toBe(false);
    expect(result.heard).toBe(heard);
  });

  it('is a maximum: an older authentic packet (a replay of a previous start) does not lower it', () => {
    let heard = noHeard();
    const latest = receive(start(), fresh({ incarnation: PEER, echo: 0 }), heard);
    heard = latest.heard;
    expect(heardOf(heard, 'node2')).toBe(PEER);
    for (const echo of [OWN, 0]) {
      const older = receive(start(), fresh({ incarnation: PEER - 1, echo }), heard);
      expect(older.heard).toBe(heard);
      expect(heardOf(older.heard, 'node2')).toBe(PEER);
    }
    expect(heardOf(noteHeard(noteHeard(noHeard(), 'node2', 20), 'node2', 10), 'node2')).toBe(20);
    expect(heardOf(noHeard(), 'node2')).toBe(0);
  });
});
