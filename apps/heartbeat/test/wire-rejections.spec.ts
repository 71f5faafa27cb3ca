// Every way a packet is refused, by name. Nothing past the framing is read before the MAC
// is checked, and checks happen in a fixed order: malformed frame, MAC, body, module, sender,
// LAN (then, in the receiver, the echo and the replay guard).
import { createHmac } from 'node:crypto';
import { decodePacket, encodePacket, openPacket, type PacketExpectation } from '../src/wire/codec';
import { BadMac, MalformedPacket, UnknownSender, WrongLan, WrongModule } from '../src/wire/errors';
import { ClusterKeyError, deriveHeartbeatKey, parseClusterKey } from '../src/wire/key';
import { MAC_BYTES, MAX_PACKET_BYTES, MIN_PACKET_BYTES } from '../src/wire/packet';
import { CLUSTER_KEY, OTHER_KEY, TEST_KEY } from './support/fixtures';
import { packet } from './support/packets';

const expectation: PacketExpectation = { module: 'web', lan: 'lan1', senders: new Set(['node2']) };
const valid = encodePacket(packet(), TEST_KEY);
const resign = (body: Uint8Array) =>
  Buffer.concat([body, createHmac('sha256', TEST_KEY.hmacKey).update(body).digest()]);
const withByte = (bytes: Uint8Array, at: number, value: number) => {
  const out = Buffer.from(bytes);
  out[at] = value;
  return out;
};
const bodyOf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, bytes.length - MAC_BYTES));

function rejection(bytes: unknown) {
  const result = openPacket(bytes, TEST_KEY, expectation);
  if (result.ok) throw new Error('accepted');
  return result.error;
}

it('accepts the valid packet', () => {
  expect(openPacket(valid, TEST_KEY, expectation)).toMatchObject({
    ok: true,
    value: { sender: 'node2', state: 'SECOND' },
  });
});

describe('MalformedPacket', () => {
  it.each<[string, unknown, RegExp]>([
    ['not bytes', 'KHBT', /not a byte array/],
    ['too short', valid.subarray(0, MIN_PACKET_BYTES - 1), /too short/],
    ['too long', new Uint8Array(MAX_PACKET_BYTES + 1), /too long/],
    ['another magic', withByte(valid, 0, 0x58), /magic/],
    ['another version', withByte(valid, 4, 3), /version 3/],
    ['another kind', withByte(valid, 5, 9), /kind 9/],
  ])('%s (checked before the MAC)', (_what, bytes, detail) => {
    const error = rejection(bytes);
    expect(error).toBeInstanceOf(MalformedPacket);
    expect(error.reason).toBe('malformed');
    expect(error.message).toMatch(detail);
  });

  it.each<[string, Buffer, RegExp]>([
    ['flags set', withByte(bodyOf(valid), 6, 1), /flags/],
    ['an unknown state code', withByte(bodyOf(valid), 7, 6), /state code 6/],
    ['an unknown readiness code', withByte(bodyOf(valid), 8, 3), /readiness code 3/],
    ['an incarnation beyond 2^53', withByte(bodyOf(valid), 9, 0xff), /incarnation/],
    ['a sequence beyond 2^53', withByte(bodyOf(valid), 17, 0x01), /sequence/],
    ['an echo beyond 2^53', withByte(bodyOf(valid), 25, 0x01), /echo/],
    ['a module name length past the end', withByte(bodyOf(valid), 33, 200), /module/],
    ['a zero-length module name', withByte(bodyOf(valid), 33, 0), /module/],
    ['a non-ASCII module name', withByte(bodyOf(valid), 34, 0xe9), /module/],
    ['bytes left before the MAC', Buffer.concat([bodyOf(valid), Buffer.from([0])]), /unexpected bytes/],
    ['a resource count but no resource', withByte(bodyOf(valid), bodyOf(valid).length - 1, 1), /resource 0/],
  ])('%s (authentic, so found after the MAC)', (_what, body, detail) => {
    const error = rejection(resign(body));
    expect(error).toBeInstanceOf(MalformedPacket);
    expect(error.message).toMatch(detail);
  });

  it('a resource named twice', () => {
    const one = encodePacket(packet({ resources: { 'rfs.a': 'up' } }), TEST_KEY);
    const body = bodyOf(one);
    const entry = body.subarray(body.length - (3 + 5 + 2));
    const twice = Buffer.concat([
      body.subarray(0, body.length - entry.length - 1),
      Buffer.from([2]),
      entry,
      entry,
    ]);
    expect(rejection(resign(twice)).message).toMatch(/appears twice/);
  });
});

describe('BadMac', () => {
  it('another cluster key', () => {
    expect(rejection(encodePacket(packet(), OTHER_KEY))).toBeInstanceOf(BadMac);
  });
  it('one bit changed anywhere after the frame', () => {
    for (let at = 6; at < valid.length; at += 7) {
      const error = rejection(withByte(valid, at, valid[at] ^ 0x10));
      expect([at, error.reason]).toEqual([at, 'bad_mac']);
    }
  });
  it('the MAC cut short is a malformed size or a bad MAC, never accepted', () => {
    expect(rejection(valid.subarray(0, valid.length - 1)).reason).toBe('bad_mac');
  });
});

describe('checks of the receiving socket (authentic packets)', () => {
  it('WrongModule', () => {
    const error = rejection(encodePacket(packet({ module: 'db' }), TEST_KEY));
    expect(error).toBeInstanceOf(WrongModule);
    expect(error).toMatchObject({ reason: 'wrong_module', expected: 'web', actual: 'db' });
  });
  it('UnknownSender: another node, or this node reflected back', () => {
    for (const sender of ['node3', 'node1']) {
      const error = rejection(encodePacket(packet({ sender }), TEST_KEY));
      expect(error).toBeInstanceOf(UnknownSender);
      expect(error).toMatchObject({ reason: 'unknown_sender', sender });
    }
  });
  it('WrongLan', () => {
    const error = rejection(encodePacket(packet({ lan: 'lan2' }), TEST_KEY));
    expect(error).toBeInstanceOf(WrongLan);
    expect(error).toMatchObject({ reason: 'wrong_lan', expected: 'lan1', actual: 'lan2' });
  });
});

describe('the cluster key', () => {
  it('is at least 32 bytes of hex, whitespace ignored', () => {
    const hex = Buffer.from(CLUSTER_KEY).toString('hex');
    expect(parseClusterKey(`\n ${hex} \n`, 'cluster.key')).toEqual(CLUSTER_KEY);
  });
  it.each([
    ['', /empty/],
    ['zz'.repeat(32), /hex digits only/],
    ['a'.repeat(65), /odd number/],
    ['ab'.repeat(31), /31 bytes long; at least 32 bytes/],
  ])('refuses %j', (text, problem) => {
    expect(() => parseClusterKey(text, '/var/lib/keel/cluster/cluster.key')).toThrow(ClusterKeyError);
    expect(() => parseClusterKey(text, '/var/lib/keel/cluster/cluster.key')).toThrow(problem);
    expect(() => parseClusterKey(text, '/var/lib/keel/cluster/cluster.key')).toThrow(/openssl rand -hex 32/);
  });
  it('signs heartbeats with a derived key, not the cluster key itself', () => {
    const withRawKey = Buffer.concat([
      bodyOf(valid),
      createHmac('sha256', Buffer.from(CLUSTER_KEY)).update(bodyOf(valid)).digest(),
    ]);
    expect(decodePacket(withRawKey, TEST_KEY)).toMatchObject({ ok: false, error: { reason: 'bad_mac' } });
    expect(decodePacket(valid, deriveHeartbeatKey(CLUSTER_KEY))).toMatchObject({ ok: true });
  });
});
