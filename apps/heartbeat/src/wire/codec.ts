// Heartbeat packets to bytes and back. Byte layout (big-endian), docs/decisions/0007-heartbeat.md:
//
//   magic "KHBT" 4 | version 1 | kind 1 | flags 1 (0) | state 1 | readiness 1
//   incarnation 8 | sequence 8 | echo 8                          (unsigned, < 2^53)
//   module: len 1 + ASCII | sender: len 1 + ASCII | lan: len 1 + ASCII
//   resource count 1 | count x (name: len 1 + ASCII, value: len 2 + ASCII)
//   HMAC-SHA256 32, over every byte before it, with the derived heartbeat key
//
// Decoding is total: any input gives a packet or a PacketRejection, never an exception. The
// encoding is canonical: a packet that decodes re-encodes to exactly the same bytes.
import { timingSafeEqual } from 'node:crypto';
import { isU53, mac, readStr8, readU53, validName, writeStr8, writeU53 } from './bytes';
import {
  BadMac,
  MalformedPacket,
  UnknownSender,
  WrongLan,
  WrongModule,
  type PacketRejection,
} from './errors';
import type { HeartbeatKey } from './key';
import {
  CLUSTER_NAME,
  FIXED_HEADER_BYTES,
  KIND_MIRROR_HEARTBEAT,
  MAC_BYTES,
  MAGIC,
  MAX_LAN_NAME,
  MAX_MODULE_NAME,
  MAX_NODE_NAME,
  MAX_PACKET_BYTES,
  MAX_RESOURCE_NAME,
  MAX_RESOURCE_VALUE,
  MAX_RESOURCES,
  MIN_PACKET_BYTES,
  MODULE_NAME,
  RESOURCE_NAME,
  RESOURCE_VALUE,
  WIRE_READINESS,
  WIRE_STATES,
  WIRE_VERSION,
  type HeartbeatPacket,
} from './packet';

export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** A packet that cannot be encoded (a caller bug or a name the plan should have refused). */
export class PacketEncodeError extends Error {
  override readonly name = 'PacketEncodeError';
}

// BadMac carries nothing packet-specific: one shared, frozen value keeps a flood of forged
// packets from costing a stack capture each.
const BAD_MAC = Object.freeze(new BadMac());

/** Bytes `packet` takes on the wire, MAC included (whether or not it is valid). */
export function encodedSize(
  packet: Pick<HeartbeatPacket, 'module' | 'sender' | 'lan' | 'resources'>,
): number {
  let size =
    FIXED_HEADER_BYTES + 3 + packet.module.length + packet.sender.length + packet.lan.length + 1 + MAC_BYTES;
  for (const [name, value] of packet.resources) size += 1 + name.length + 2 + value.length;
  return size;
}

/** Bytes one resource entry adds to a packet. */
export const resourceEntrySize = (name: string, value: string): number => 3 + name.length + value.length;

export function encodePacket(packet: HeartbeatPacket, key: HeartbeatKey): Uint8Array {
  const problem = validate(packet);
  if (problem) throw new PacketEncodeError(`cannot encode heartbeat packet: ${problem}`);
  const size = encodedSize(packet);
  if (size > MAX_PACKET_BYTES) {
    throw new PacketEncodeError(`heartbeat packet would be ${size} bytes, more than ${MAX_PACKET_BYTES}`);
  }
  const buf = Buffer.alloc(size);
  buf.set(MAGIC, 0);
  buf[4] = WIRE_VERSION;
  buf[5] = KIND_MIRROR_HEARTBEAT;
  buf[6] = 0;
  buf[7] = WIRE_STATES.indexOf(packet.state);
  buf[8] = WIRE_READINESS.indexOf(packet.readiness);
  writeU53(buf, 9, packet.incarnation);
  writeU53(buf, 17, packet.sequence);
  writeU53(buf, 25, packet.echo);
  let at = FIXED_HEADER_BYTES;
  at = writeStr8(buf, at, packet.module);
  at = writeStr8(buf, at, packet.sender);
  at = writeStr8(buf, at, packet.lan);
  buf[at++] = packet.resources.size;
  for (const [name, value] of packet.resources) {
    at = writeStr8(buf, at, name);
    buf.writeUInt16BE(value.length, at);
    buf.write(value, at + 2, 'latin1');
    at += 2 + value.length;
  }
  mac(key, buf.subarray(0, at)).copy(buf, at);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Checks framing and MAC, then parses. Returns MalformedPacket or BadMac on failure. */
export function decodePacket(
  bytes: unknown,
  key: HeartbeatKey,
): Result<HeartbeatPacket, MalformedPacket | BadMac> {
  try {
    return decodeUnguarded(bytes, key);
  } catch (err) {
    // Belt and braces: the parser is written not to throw; if it ever does, the packet is
    // still only a rejection, never a crash of the receive loop.
    return malformed(`unexpected decoder failure: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** What the receiving socket expects of an authentic packet. */
export interface PacketExpectation {
  readonly module: string;
  readonly lan: string;
  /** Nodes allowed to send to this module: its peer (never this node itself). */
  readonly senders: ReadonlySet<string>;
}

/**
 * decodePacket, then the checks of the receiving socket: module, sender, LAN. The echo is not
 * judged here: the receiver first learns the sender's incarnation from any authentic packet
 * of its peer (core/echo.ts), then refuses a stale one (core/receive.ts).
 */
export function openPacket(
  bytes: unknown,
  key: HeartbeatKey,
  expect: PacketExpectation,
): Result<HeartbeatPacket, PacketRejection> {
  return checkExpectation(decodePacket(bytes, key), expect);
}

/** The receiving socket's checks of an authentic packet of either kind: module, sender, LAN. */
export function checkExpectation<P extends { module: string; sender: string; lan: string }>(
  decoded: Result<P, MalformedPacket | BadMac>,
  expect: PacketExpectation,
): Result<P, PacketRejection> {
  if (!decoded.ok) return decoded;
  const p = decoded.value;
  if (p.module !== expect.module) return { ok: false, error: new WrongModule(expect.module, p.module) };
  if (!expect.senders.has(p.sender)) return { ok: false, error: new UnknownSender(p.sender) };
  if (p.lan !== expect.lan) return { ok: false, error: new WrongLan(expect.lan, p.lan) };
  return decoded;
}

function decodeUnguarded(
  bytes: unknown,
  key: HeartbeatKey,
): Result<HeartbeatPacket, MalformedPacket | BadMac> {
  const frame = openFrame(
    bytes,
    key,
    MIN_PACKET_BYTES,
    KIND_MIRROR_HEARTBEAT,
    (k) => `unknown packet kind ${k}`,
  );
  if (!frame.ok) return frame;
  const { buf, end } = frame.value;

  if (buf[6] !== 0) return malformed(`unknown flags ${buf[6]}`);
  const state = WIRE_STATES[buf[7]];
  if (state === undefined) return malformed(`unknown state code ${buf[7]}`);
  const readiness = WIRE_READINESS[buf[8]];
  if (readiness === undefined) return malformed(`unknown readiness code ${buf[8]}`);
  const incarnation = readU53(buf, 9);
  if (incarnation === undefined) return malformed('incarnation beyond 2^53');
  const sequence = readU53(buf, 17);
  if (sequence === undefined) return malformed('sequence beyond 2^53');
  const echo = readU53(buf, 25);
  if (echo === undefined) return malformed('echo beyond 2^53');

  const cursor = { at: FIXED_HEADER_BYTES };
  const module = readStr8(buf, cursor, end, MODULE_NAME, MAX_MODULE_NAME);
  if (module === undefined) return malformed('bad module name');
  const sender = readStr8(buf, cursor, end, CLUSTER_NAME, MAX_NODE_NAME);
  if (sender === undefined) return malformed('bad sender node name');
  const lan = readStr8(buf, cursor, end, CLUSTER_NAME, MAX_LAN_NAME);
  if (lan === undefined) return malformed('bad LAN name');
  if (cursor.at >= end) return malformed('missing resource count');
  const count = buf[cursor.at++];
  if (count > MAX_RESOURCES) return malformed(`${count} resources, at most ${MAX_RESOURCES}`);
  const resources = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const name = readStr8(buf, cursor, end, RESOURCE_NAME, MAX_RESOURCE_NAME);
    if (name === undefined) return malformed(`bad name of resource ${i}`);
    if (cursor.at + 2 > end) return malformed(`truncated value of resource ${name}`);
    const vlen = buf.readUInt16BE(cursor.at);
    cursor.at += 2;
    if (vlen < 1 || vlen > MAX_RESOURCE_VALUE || cursor.at + vlen > end)
      return malformed(`bad value of resource ${name}`);
    const value = buf.toString('latin1', cursor.at, cursor.at + vlen);
    cursor.at += vlen;
    if (!RESOURCE_VALUE.test(value)) return malformed(`bad value of resource ${name}`);
    if (resources.has(name)) return malformed(`resource ${name} appears twice`);
    resources.set(name, value);
  }
  if (cursor.at !== end) return malformed(`${end - cursor.at} unexpected bytes before the MAC`);
  return {
    ok: true,
    value: { module, sender, lan, incarnation, sequence, echo, state, readiness, resources },
  };
}

/**
 * The framing both packet kinds share — length, magic, version, kind — then the MAC: nothing past
 * the framing is read before the MAC says the sender holds the cluster key. `end` is where the
 * MAC starts.
 */
export function openFrame(
  bytes: unknown,
  key: HeartbeatKey,
  minBytes: number,
  kind: number,
  wrongKind: (kind: number) => string,
): Result<{ buf: Buffer; end: number }, MalformedPacket | BadMac> {
  if (!(bytes instanceof Uint8Array)) return malformed('not a byte array');
  const len = bytes.byteLength;
  if (len < minBytes) return malformed(`${len} bytes is too short`);
  if (len > MAX_PACKET_BYTES) return malformed(`${len} bytes is too long`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, len);
  for (let i = 0; i < MAGIC.length; i++)
    if (buf[i] !== MAGIC[i]) return malformed('not a keel heartbeat (magic)');
  if (buf[4] !== WIRE_VERSION) return malformed(`unsupported version ${buf[4]}`);
  if (buf[5] !== kind) return malformed(wrongKind(buf[5]));
  const end = len - MAC_BYTES;
  if (!timingSafeEqual(mac(key, buf.subarray(0, end)), buf.subarray(end)))
    return { ok: false, error: BAD_MAC };
  return { ok: true, value: { buf, end } };
}

function validate(p: HeartbeatPacket): string | undefined {
  if (!MODULE_NAME.test(p.module)) return `module name ${JSON.stringify(p.module)}`;
  if (!validName(p.sender, MAX_NODE_NAME)) return `sender ${JSON.stringify(p.sender)}`;
  if (!validName(p.lan, MAX_LAN_NAME)) return `LAN ${JSON.stringify(p.lan)}`;
  if (!WIRE_STATES.includes(p.state)) return `state ${JSON.stringify(p.state)}`;
  if (!WIRE_READINESS.includes(p.readiness)) return `readiness ${JSON.stringify(p.readiness)}`;
  if (!isU53(p.incarnation)) return `incarnation ${p.incarnation}`;
  if (!isU53(p.sequence)) return `sequence ${p.sequence}`;
  if (!isU53(p.echo)) return `echo ${p.echo}`;
  if (p.resources.size > MAX_RESOURCES) return `${p.resources.size} resources, at most ${MAX_RESOURCES}`;
  for (const [name, value] of p.resources) {
    if (!RESOURCE_NAME.test(name)) return `resource name ${JSON.stringify(name)}`;
    if (!RESOURCE_VALUE.test(value)) return `value of resource ${name}`;
  }
  return undefined;
}

function malformed(detail: string): { ok: false; error: MalformedPacket } {
  return { ok: false, error: new MalformedPacket(detail) };
}
