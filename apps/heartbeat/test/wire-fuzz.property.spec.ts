// TARGETS R3: hostile heartbeat packets. Whatever bytes arrive, the receive path (framing,
// MAC, module/sender/LAN checks, echo, replay guard, liveness) returns an accepted packet or one of
// the named rejections, and never throws. An accepted packet re-encodes to the same bytes.
//
// Runs 200 000 inputs by default, split across the four generators below; set
// KEEL_HEARTBEAT_FUZZ_RUNS=1000000 (or more) for the R3 campaign.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { initialLiveness } from '../src/core/liveness';
import { receiveDatagram, type EchoContext, type ReceiverState } from '../src/core/receive';
import { emptyGuard } from '../src/core/replay-guard';
import { encodePacket, type PacketExpectation } from '../src/wire/codec';
import { PacketRejection, REJECT_REASONS } from '../src/wire/errors';
import { MAC_BYTES, MAGIC, MAX_PACKET_BYTES, WIRE_VERSION } from '../src/wire/packet';
import { FIRST_INCARNATION, TEST_KEY } from './support/fixtures';
import { packet } from './support/packets';

const TOTAL = Number(process.env['KEEL_HEARTBEAT_FUZZ_RUNS'] ?? 200_000);
const SHARE = { random: 0.2, mutated: 0.2, resigned: 0.4, framed: 0.2 };
const runs = (share: number) => Math.max(1, Math.round(TOTAL * share));
jest.setTimeout(Math.max(60_000, TOTAL * 0.5));

const expect_: PacketExpectation = { module: 'web', lan: 'lan1', senders: new Set(['node2']) };
// This node (node1) in its first start: the seeds echo it, so they are fresh, mutated echoes stale.
const echo: EchoContext = { own: FIRST_INCARNATION.node1, heard: new Map() };
const fresh = (): ReceiverState => ({
  guard: emptyGuard(),
  liveness: initialLiveness([{ lan: 'lan1', ident: 'lan1', timeoutMs: 500 }], 0),
});
// A receiver that has already accepted node2's sequence 100, so replays are reachable too.
const seen: ReceiverState = receiveDatagram(
  fresh(),
  encodePacket(packet({ sequence: 100 }), TEST_KEY),
  TEST_KEY,
  expect_,
  1,
  echo,
).state;

const seeds = [
  packet({ sequence: 100 }),
  packet({
    sequence: 101,
    resources: { 'rfs.uptodate': 'up', 'mirror.lastprim': 'down', 'usersetting.size': '10 KB' },
  }),
  packet({ sequence: 5, state: 'PRIM', readiness: 'Transient' }),
  packet({ module: 'db', sender: 'node1', lan: 'lan2', sequence: 200 }),
].map((p) => encodePacket(p, TEST_KEY));

const counts = new Map<string, number>();

/** The property: accepted (and canonical) or a named rejection; nothing thrown. */
function receivesCleanly(bytes: Uint8Array): boolean {
  const { outcome } = receiveDatagram(seen, bytes, TEST_KEY, expect_, 2, echo);
  if (outcome.accepted) {
    const again = encodePacket(outcome.packet, TEST_KEY);
    if (!Buffer.from(again).equals(Buffer.from(bytes))) return false;
    counts.set('accepted', (counts.get('accepted') ?? 0) + 1);
    return true;
  }
  if (!(outcome.error instanceof PacketRejection) || !REJECT_REASONS.includes(outcome.error.reason))
    return false;
  counts.set(outcome.error.reason, (counts.get(outcome.error.reason) ?? 0) + 1);
  return true;
}

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    switch (m.kind) {
      case 'flip':
        out[at] ^= m.value;
        break;
      case 'set':
        out[at] = m.value;
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
        break;
    }
  }
  return out;
}

/** Appends a valid MAC: the input gets past authentication and exercises the parser. */
function sign(body: Uint8Array): Uint8Array {
  const mac = createHmac('sha256', TEST_KEY.hmacKey).update(body).digest();
  return Buffer.concat([body, mac]);
}

const body = (bytes: Uint8Array) => bytes.subarray(0, bytes.length - MAC_BYTES);

it(`random bytes (${runs(SHARE.random)} runs)`, () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: MAX_PACKET_BYTES + 16 }), receivesCleanly), {
    numRuns: runs(SHARE.random),
  });
});

it(`valid packets with bytes flipped, set, cut or inserted (${runs(SHARE.mutated)} runs)`, () => {
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, ms) =>
      receivesCleanly(mutate(seed, ms)),
    ),
    { numRuns: runs(SHARE.mutated) },
  );
});

it(`mutated packets signed again with the cluster key (${runs(SHARE.resigned)} runs)`, () => {
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 0, maxLength: 4 }), (seed, ms) =>
      receivesCleanly(sign(mutate(body(seed), ms))),
    ),
    { numRuns: runs(SHARE.resigned) },
  );
});

it(`a valid frame around random content, signed (${runs(SHARE.framed)} runs)`, () => {
  const frame = Buffer.from([...MAGIC, WIRE_VERSION, 1]);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (content) =>
      receivesCleanly(sign(Buffer.concat([frame, content]))),
    ),
    { numRuns: runs(SHARE.framed) },
  );
});

it('reached every outcome (the generators explore past the MAC)', () => {
  const outcomes = ['accepted', ...REJECT_REASONS];
  expect(outcomes.filter((o) => !counts.get(o))).toEqual([]);
});

it('never throws for values that are not byte arrays', () => {
  for (const value of [
    undefined,
    null,
    42,
    'KHBT',
    {},
    [1, 2, 3],
    new ArrayBuffer(100),
    new Uint16Array(80),
  ]) {
    const { outcome } = receiveDatagram(fresh(), value, TEST_KEY, expect_, 0, echo);
    expect(outcome).toMatchObject({ accepted: false, error: { reason: 'malformed' } });
  }
});
