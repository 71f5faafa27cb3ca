// The wire format: what is encoded decodes to the same packet, the layout is the documented
// one, and the encoder refuses what the decoder would refuse.
import fc from 'fast-check';
import { decodePacket, encodePacket, encodedSize, PacketEncodeError } from '../src/wire/codec';
import {
  MAC_BYTES,
  MAX_PACKET_BYTES,
  MAX_RESOURCES,
  WIRE_READINESS,
  WIRE_STATES,
  type HeartbeatPacket,
} from '../src/wire/packet';
import { TEST_KEY } from './support/fixtures';
import { packet } from './support/packets';
import { arbitraryPacket } from './support/arbitraries';

it('round-trips a packet with resources', () => {
  const p = packet({
    resources: { 'rfs.uptodate': 'up', 'usersetting.size': '1 024 KB' },
    sequence: 2 ** 40,
  });
  const bytes = encodePacket(p, TEST_KEY);
  expect(bytes.length).toBe(encodedSize(p));
  expect(decodePacket(bytes, TEST_KEY)).toEqual({ ok: true, value: p });
});

it('lays the packet out as documented', () => {
  const p = packet({
    module: 'm',
    sender: 'n',
    lan: 'l',
    state: 'PRIM',
    readiness: 'Transient',
    incarnation: 0x0102,
    sequence: 7,
    echo: 0x0a0b0c,
  });
  const bytes = Buffer.from(encodePacket(p, TEST_KEY));
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  expect(body.toString('hex')).toBe(
    [
      '4b484254', // "KHBT"
      '02', // version
      '01', // kind: mirror heartbeat
      '00', // flags
      '03', // PRIM
      '01', // Transient
      '0000000000000102', // incarnation
      '0000000000000007', // sequence
      '00000000000a0b0c', // echo: the receiver's incarnation as the sender heard it
      '016d', // module "m"
      '016e', // sender "n"
      '016c', // lan "l"
      '00', // no resource
    ].join(''),
  );
});

it.each(WIRE_STATES.flatMap((s) => WIRE_READINESS.map((r) => [s, r] as const)))(
  'round-trips %s %s',
  (state, readiness) => {
    const p = packet({ state, readiness });
    expect(decodePacket(encodePacket(p, TEST_KEY), TEST_KEY)).toEqual({ ok: true, value: p });
  },
);

it('round-trips any valid packet, and its encoding is canonical', () => {
  fc.assert(
    fc.property(arbitraryPacket(), (p) => {
      const bytes = encodePacket(p, TEST_KEY);
      const decoded = decodePacket(bytes, TEST_KEY);
      if (!decoded.ok) return false;
      expect(decoded.value).toEqual(p);
      expect(Buffer.from(encodePacket(decoded.value, TEST_KEY)).equals(Buffer.from(bytes))).toBe(true);
      return true;
    }),
    { numRuns: 2_000 },
  );
});

describe('the encoder refuses', () => {
  const resources = (n: number, valueLength = 2) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, 'v'.repeat(valueLength)]));
  it.each<[string, Partial<HeartbeatPacket> | { resources: Record<string, string> }]>([
    ['a bad module name', { module: 'a.b' }],
    ['an empty sender', { sender: '' }],
    ['a LAN name with a space', { lan: 'lan 1' }],
    ['a negative sequence', { sequence: -1 }],
    ['an unsafe incarnation', { incarnation: 2 ** 53 }],
    ['a negative echo', { echo: -1 }],
    ['an unsafe echo', { echo: 2 ** 53 }],
    ['a fractional sequence', { sequence: 1.5 }],
    ['an unknown state', { state: 'UNKNOWN' as never }],
    ['too many resources', { resources: resources(MAX_RESOURCES + 1) }],
    ['a packet over the size limit', { resources: resources(10, 200) }],
    ['a non-ASCII resource value', { resources: { 'rfs.x': 'é' } }],
  ])('%s', (_what, patch) => {
    const p =
      'resources' in patch && !(patch.resources instanceof Map)
        ? packet(patch as never)
        : { ...packet(), ...patch };
    expect(() => encodePacket(p as HeartbeatPacket, TEST_KEY)).toThrow(PacketEncodeError);
  });

  it('nothing up to the size limit', () => {
    const resources: Record<string, string> = {};
    const free = () => MAX_PACKET_BYTES - encodedSize(packet({ resources }));
    for (let i = 0; free() > 3 + 3 + 256; i++) resources[`r${i}`] = 'x'.repeat(256);
    resources['end'] = 'x'.repeat(free() - 3 - 'end'.length);
    expect(encodePacket(packet({ resources }), TEST_KEY).length).toBe(MAX_PACKET_BYTES);
  });
});
