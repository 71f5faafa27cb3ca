// Wire v2: every packet carries `echo`, the receiving node's heartbeat incarnation as its
// sender last heard it (0 = not heard yet). It round-trips at any safe value, is covered by the
// MAC, and a v1 packet (without it) is refused as malformed: both nodes must run the same wire
// version (keel is pre-1.0; no mixed-version support).
import { createHmac } from 'node:crypto';
import { decodePacket, encodePacket, openPacket } from '../src/wire/codec';
import { MalformedPacket } from '../src/wire/errors';
import { FIXED_HEADER_BYTES, MAC_BYTES, WIRE_VERSION } from '../src/wire/packet';
import { FIRST_INCARNATION, TEST_KEY } from './support/fixtures';
import { packet } from './support/packets';

const ECHO_AT = 25; // after magic, version, kind, flags, state, readiness, incarnation, sequence
const expectation = { module: 'web', lan: 'lan1', senders: new Set(['node2']) };

it.each([0, 1, FIRST_INCARNATION.node1, 0x0102_0304_0506, Number.MAX_SAFE_INTEGER])(
  'round-trips echo %d',
  (echo) => {
    const p = packet({ echo });
    const decoded = decodePacket(encodePacket(p, TEST_KEY), TEST_KEY);
    expect(decoded).toEqual({ ok: true, value: p });
    expect(decoded.ok && decoded.value.echo).toBe(echo);
  },
);

it('covers the echo with the MAC: a changed echo is a bad MAC, not another echo', () => {
  const bytes = Buffer.from(encodePacket(packet({ echo: FIRST_INCARNATION.node1 }), TEST_KEY));
  bytes[ECHO_AT + 7] ^= 0x01;
  expect(decodePacket(bytes, TEST_KEY)).toMatchObject({ ok: false, error: { reason: 'bad_mac' } });
});

it('refuses an authentic v1 packet (no echo) as malformed, before reading it', () => {
  expect(WIRE_VERSION).toBe(2);
  // What a v1 node sends: the v2 layout without the 8 echo bytes, version 1, signed with our key.
  const v2 = Buffer.from(encodePacket(packet(), TEST_KEY));
  const body = Buffer.concat([
    v2.subarray(0, ECHO_AT),
    v2.subarray(FIXED_HEADER_BYTES, v2.length - MAC_BYTES),
  ]);
  body[4] = 1;
  const v1 = Buffer.concat([body, createHmac('sha256', TEST_KEY.hmacKey).update(body).digest()]);

  const result = openPacket(v1, TEST_KEY, expectation);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error).toBeInstanceOf(MalformedPacket);
  expect(result.error).toMatchObject({ reason: 'malformed', detail: 'unsupported version 1' });
});
