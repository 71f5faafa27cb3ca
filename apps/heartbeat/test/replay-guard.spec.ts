// The replay guard, as a table: per channel, accept a later incarnation, or the same
// incarnation with a higher sequence; refuse and count everything else.
import { admit, channelKey, emptyGuard, type ReplayGuard } from '../src/core/replay-guard';
import { Replay } from '../src/wire/errors';

const CH = channelKey('web', 'lan1', 'node2');
const after = (incarnation: number, sequence: number): ReplayGuard =>
  admit(emptyGuard(), CH, 'node2', { incarnation, sequence }).guard;

it.each([
  // last seen      incoming        verdict
  [[10, 5], [10, 6], 'accept', 'next sequence'],
  [[10, 5], [10, 500], 'accept', 'sequence jumped (packets lost)'],
  [[10, 5], [11, 1], 'accept', 'peer restarted: later incarnation, sequence starts again'],
  [[10, 5], [11, 0], 'accept', 'later incarnation, sequence 0'],
  [[10, 5], [10, 5], 'reject', 'the same packet again'],
  [[10, 5], [10, 4], 'reject', 'an older sequence'],
  [[10, 5], [9, 999], 'reject', 'an older incarnation, however high its sequence'],
  [[10, 5], [0, 0], 'reject', 'the oldest stamp'],
] as Array<[readonly [number, number], readonly [number, number], 'accept' | 'reject', string]>)(
  'last %j, incoming %j: %s (%s)',
  (last, incoming, verdict) => {
    const result = admit(after(last[0], last[1]), CH, 'node2', {
      incarnation: incoming[0],
      sequence: incoming[1],
    });
    expect(result.accepted).toBe(verdict === 'accept');
    if (!result.accepted) {
      expect(result.error).toBeInstanceOf(Replay);
      expect(result.error).toMatchObject({
        reason: 'replay',
        sender: 'node2',
        last: { incarnation: last[0], sequence: last[1] },
      });
    }
  },
);

it('accepts the first packet of a channel, whatever its stamp', () => {
  expect(admit(emptyGuard(), CH, 'node2', { incarnation: 0, sequence: 0 }).accepted).toBe(true);
});

it('counts refusals per channel and keeps the last accepted stamp', () => {
  let guard = after(10, 5);
  for (let i = 0; i < 3; i++) guard = admit(guard, CH, 'node2', { incarnation: 10, sequence: 5 }).guard;
  expect(guard.get(CH)).toEqual({ incarnation: 10, sequence: 5, rejected: 3 });
  guard = admit(guard, CH, 'node2', { incarnation: 10, sequence: 6 }).guard;
  expect(guard.get(CH)).toEqual({ incarnation: 10, sequence: 6, rejected: 3 });
});

it('keeps channels apart: each LAN has its own order', () => {
  const lan2 = channelKey('web', 'lan2', 'node2');
  // The sender numbers packets across LANs; the slower LAN delivers sequence 7 after lan1's 8.
  let guard = admit(emptyGuard(), CH, 'node2', { incarnation: 1, sequence: 8 }).guard;
  const late = admit(guard, lan2, 'node2', { incarnation: 1, sequence: 7 });
  expect(late.accepted).toBe(true);
  guard = late.guard;
  expect(admit(guard, lan2, 'node2', { incarnation: 1, sequence: 7 }).accepted).toBe(false);
});

it('does not change the guard it is given (pure)', () => {
  const guard = after(10, 5);
  admit(guard, CH, 'node2', { incarnation: 10, sequence: 6 });
  admit(guard, CH, 'node2', { incarnation: 10, sequence: 1 });
  expect(guard.get(CH)).toEqual({ incarnation: 10, sequence: 5, rejected: 0 });
});
