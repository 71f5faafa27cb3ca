// The farm membership packet on the wire: what a leader's packet carries comes back the same;
// a packet of another cluster, a changed byte, a view whose buckets name a non-member, and a
// mirror heartbeat on the farm port are refused by name; a packet too big for one datagram is
// not made.
import { createHmac } from 'node:crypto';
import { encodePacket } from '../src/wire/codec';
import { BadMac, MalformedPacket, UnknownSender } from '../src/wire/errors';
import { decodeFarmPacket, encodeFarmPacket, openFarmPacket } from '../src/wire/farm-codec';
import type { FarmPacket } from '../src/wire/farm-packet';
import { MAC_BYTES } from '../src/wire/packet';
import { OTHER_KEY, TEST_KEY } from './support/fixtures';
import { packet } from './support/packets';

const owners = Array.from({ length: 256 }, (_, i) => (i % 3 === 0 ? null : i % 3 === 1 ? 'node1' : 'node2'));
const leaderPacket: FarmPacket = {
  module: 'lb',
  sender: 'node1',
  lan: 'lanf',
  incarnation: 7,
  sequence: 42,
  echo: 9,
  ready: true,
  seenEpoch: 3,
  view: {
    leader: 'node1',
    epoch: 4,
    groupsDigest: 0xfeedf00d,
    members: ['node1', 'node2'],
    owners: [owners, owners.slice().reverse()],
  },
};
const expectation = { module: 'lb', lan: 'lanf', senders: new Set(['node1', 'node2']) };
const resign = (bytes: Uint8Array) => {
  const body = Buffer.from(bytes.subarray(0, bytes.length - MAC_BYTES));
  return Buffer.concat([body, createHmac('sha256', TEST_KEY.hmacKey).update(body).digest()]);
};

it('gives back what a leader sent: readiness, epochs, members and every bucket owner', () => {
  expect(openFarmPacket(encodeFarmPacket(leaderPacket, TEST_KEY), TEST_KEY, expectation)).toEqual({
    ok: true,
    value: leaderPacket,
  });
  const follower = { ...leaderPacket, sender: 'node2', ready: false, view: undefined };
  expect(decodeFarmPacket(encodeFarmPacket(follower, TEST_KEY), TEST_KEY)).toEqual({
    ok: true,
    value: follower,
  });
});

it('refuses another cluster key, a changed byte, an owner beyond the members, an unknown sender', () => {
  const bytes = encodeFarmPacket(leaderPacket, TEST_KEY);
  expect(decodeFarmPacket(bytes, OTHER_KEY)).toMatchObject({ ok: false, error: expect.any(BadMac) });
  const changed = Buffer.from(bytes);
  changed[50] ^= 1;
  expect(decodeFarmPacket(changed, TEST_KEY)).toMatchObject({ ok: false, error: expect.any(BadMac) });
  // The first bucket byte of the first group (the view is at the end, before the MAC).
  const forged = Buffer.from(bytes);
  forged[bytes.length - MAC_BYTES - 2 * 256] = 2;
  const refused = decodeFarmPacket(resign(forged), TEST_KEY);
  expect(refused).toMatchObject({ ok: false, error: expect.any(MalformedPacket) });
  expect(!refused.ok && refused.error.message).toMatch(/bucket 0 of group 0: owner 2 is not a member/);
  const stranger = encodeFarmPacket({ ...leaderPacket, sender: 'node9', view: undefined }, TEST_KEY);
  expect(openFarmPacket(stranger, TEST_KEY, expectation)).toMatchObject({
    ok: false,
    error: expect.any(UnknownSender),
  });
});

it('refuses a mirror heartbeat on the farm socket', () => {
  const mirror = encodePacket(packet(), TEST_KEY);
  const result = decodeFarmPacket(mirror, TEST_KEY);
  expect(!result.ok && result.error.message).toMatch(/not a farm packet \(kind 1\)/);
});

it('does not make a view naming a non-member or a packet beyond one datagram', () => {
  const stray = { ...leaderPacket, view: { ...leaderPacket.view!, owners: [owners.map(() => 'node3')] } };
  expect(() => encodeFarmPacket(stray, TEST_KEY)).toThrow(/a bucket owned by a non-member/);
  const five = { ...leaderPacket, view: { ...leaderPacket.view!, owners: Array(5).fill(owners) } };
  expect(() => encodeFarmPacket(five, TEST_KEY)).toThrow(/5 groups/);
  const long = Array.from({ length: 8 }, (_, i) => `node${i}-${'x'.repeat(200)}`);
  const big = {
    ...leaderPacket,
    view: { leader: long[0], epoch: 4, groupsDigest: 1, members: long, owners: [owners.map(() => long[0])] },
  };
  expect(() => encodeFarmPacket(big, TEST_KEY)).toThrow(/would be \d+ bytes, more than 1232/);
});

it('refuses an epoch near 2^53: a leader above it could make no view any more', () => {
  const high = encodeFarmPacket({ ...leaderPacket, seenEpoch: 2 ** 52 + 1 }, TEST_KEY);
  const result = decodeFarmPacket(high, TEST_KEY);
  expect(!result.ok && result.error.message).toMatch(/seen epoch 4503599627370497 above 4503599627370496/);
  const view = encodeFarmPacket(
    { ...leaderPacket, view: { ...leaderPacket.view!, epoch: 2 ** 52 + 1 } },
    TEST_KEY,
  );
  expect(decodeFarmPacket(view, TEST_KEY)).toMatchObject({ ok: false, error: expect.any(MalformedPacket) });
});
