// Farm membership packets to bytes and back (pure). Byte layout, big-endian, beside the mirror
// heartbeat's (codec.ts, docs/decisions/0007 and 0017):
//
//   magic "KHBT" 4 | version 1 | kind 1 (2) | flags 1 (ready 0x01, view 0x02)
//   incarnation 8 | sequence 8 | echo 8 | seen epoch 8               (unsigned, < 2^53)
//   module: len 1 + ASCII | sender: len 1 + ASCII | lan: len 1 + ASCII
//   when flags has view: leader: len 1 + ASCII | epoch 8 | groups digest 4
//                        | member count 1 | members (len 1 + ASCII)
//                        | group count 1 | per group 256 bytes: owner's member index, 0xff none
//   HMAC-SHA256 32, over every byte before it
//
// Decoding is total (a packet or a rejection, never an exception) and nothing past the framing
// is read before the MAC is checked.
import { isU53, mac, readStr8, readU53, validName, writeStr8, writeU53 } from './bytes';
import { checkExpectation, openFrame, PacketEncodeError, type PacketExpectation, type Result } from './codec';
import { BadMac, MalformedPacket, type PacketRejection } from './errors';
import {
  BUCKETS,
  FARM_FIXED_HEADER_BYTES,
  FLAG_READY,
  FLAG_VIEW,
  KIND_FARM_MEMBERSHIP,
  MAX_FARM_GROUPS,
  MAX_FARM_MEMBERS,
  NO_OWNER,
  type FarmPacket,
  type WireFarmView,
} from './farm-packet';
import type { HeartbeatKey } from './key';
import {
  CLUSTER_NAME,
  MAC_BYTES,
  MAGIC,
  MAX_LAN_NAME,
  MAX_MODULE_NAME,
  MAX_NODE_NAME,
  MAX_PACKET_BYTES,
  MODULE_NAME,
  WIRE_VERSION,
} from './packet';

/** The highest epoch a packet may carry. */
export const MAX_EPOCH = 2 ** 52;
const MIN_BYTES = FARM_FIXED_HEADER_BYTES + 3 * 2 + MAC_BYTES;

/** Bytes a packet takes on the wire, MAC included. */
export function farmPacketSize(p: Pick<FarmPacket, 'module' | 'sender' | 'lan' | 'view'>): number {
  let size = FARM_FIXED_HEADER_BYTES + 3 + p.module.length + p.sender.length + p.lan.length + MAC_BYTES;
  if (p.view) {
    size += 1 + p.view.leader.length + 8 + 4 + 1 + 1;
    for (const m of p.view.members) size += 1 + m.length;
    size += p.view.owners.length * BUCKETS;
  }
  return size;
}

export function encodeFarmPacket(p: FarmPacket, key: HeartbeatKey): Uint8Array {
  const problem = validate(p);
  if (problem) throw new PacketEncodeError(`cannot encode farm packet: ${problem}`);
  const size = farmPacketSize(p);
  if (size > MAX_PACKET_BYTES)
    throw new PacketEncodeError(`farm packet would be ${size} bytes, more than ${MAX_PACKET_BYTES}`);
  const buf = Buffer.alloc(size);
  buf.set(MAGIC, 0);
  buf[4] = WIRE_VERSION;
  buf[5] = KIND_FARM_MEMBERSHIP;
  buf[6] = (p.ready ? FLAG_READY : 0) | (p.view ? FLAG_VIEW : 0);
  writeU53(buf, 7, p.incarnation);
  writeU53(buf, 15, p.sequence);
  writeU53(buf, 23, p.echo);
  writeU53(buf, 31, p.seenEpoch);
  let at = FARM_FIXED_HEADER_BYTES;
  at = writeStr8(buf, at, p.module);
  at = writeStr8(buf, at, p.sender);
  at = writeStr8(buf, at, p.lan);
  if (p.view) {
    const { view } = p;
    at = writeStr8(buf, at, view.leader);
    writeU53(buf, at, view.epoch);
    at += 8;
    buf.writeUInt32BE(view.groupsDigest, at);
    at += 4;
    buf[at++] = view.members.length;
    for (const m of view.members) at = writeStr8(buf, at, m);
    buf[at++] = view.owners.length;
    for (const table of view.owners) {
      for (const owner of table) buf[at++] = owner === null ? NO_OWNER : view.members.indexOf(owner);
    }
  }
  mac(key, buf.subarray(0, at)).copy(buf, at);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** decode, then the receiving socket's checks: module, sender (a node of the module), LAN. */
export function openFarmPacket(
  bytes: unknown,
  key: HeartbeatKey,
  expect: PacketExpectation,
): Result<FarmPacket, PacketRejection> {
  return checkExpectation(decodeFarmPacket(bytes, key), expect);
}

export function decodeFarmPacket(
  bytes: unknown,
  key: HeartbeatKey,
): Result<FarmPacket, MalformedPacket | BadMac> {
  try {
    return decodeUnguarded(bytes, key);
  } catch (err) {
    return malformed(`unexpected decoder failure: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function decodeUnguarded(bytes: unknown, key: HeartbeatKey): Result<FarmPacket, MalformedPacket | BadMac> {
  const frame = openFrame(
    bytes,
    key,
    MIN_BYTES,
    KIND_FARM_MEMBERSHIP,
    (k) => `not a farm packet (kind ${k})`,
  );
  if (!frame.ok) return frame;
  const { buf, end } = frame.value;

  const flags = buf[6];
  if ((flags & ~(FLAG_READY | FLAG_VIEW)) !== 0) return malformed(`unknown flags ${flags}`);
  const stamps = [7, 15, 23, 31].map((at) => readU53(buf, at));
  if (stamps.some((n) => n === undefined)) return malformed('a counter beyond 2^53');
  const [incarnation, sequence, echo, seenEpoch] = stamps as number[];
  // Epochs grow by one per view: one near 2^53 is forged or broken, and a leader above it could
  // not make a view any more.
  if (seenEpoch > MAX_EPOCH) return malformed(`seen epoch ${seenEpoch} above ${MAX_EPOCH}`);

  const cursor = { at: FARM_FIXED_HEADER_BYTES };
  const module = readStr8(buf, cursor, end, MODULE_NAME, MAX_MODULE_NAME);
  if (module === undefined) return malformed('bad module name');
  const sender = readStr8(buf, cursor, end, CLUSTER_NAME, MAX_NODE_NAME);
  if (sender === undefined) return malformed('bad sender node name');
  const lan = readStr8(buf, cursor, end, CLUSTER_NAME, MAX_LAN_NAME);
  if (lan === undefined) return malformed('bad LAN name');
  let view: WireFarmView | undefined;
  if (flags & FLAG_VIEW) {
    const read = readView(buf, cursor, end);
    if (typeof read === 'string') return malformed(read);
    view = read;
  }
  if (cursor.at !== end) return malformed(`${end - cursor.at} unexpected bytes before the MAC`);
  return {
    ok: true,
    value: {
      module,
      sender,
      lan,
      incarnation,
      sequence,
      echo,
      seenEpoch,
      ready: (flags & FLAG_READY) !== 0,
      view,
    },
  };
}

function readView(buf: Buffer, cursor: { at: number }, end: number): WireFarmView | string {
  const leader = readStr8(buf, cursor, end, CLUSTER_NAME, MAX_NODE_NAME);
  if (leader === undefined) return 'bad view leader';
  if (cursor.at + 13 > end) return 'truncated view';
  const epoch = readU53(buf, cursor.at);
  if (epoch === undefined || epoch > MAX_EPOCH) return `view epoch above ${MAX_EPOCH}`;
  cursor.at += 8;
  const groupsDigest = buf.readUInt32BE(cursor.at);
  cursor.at += 4;
  const count = buf[cursor.at++];
  if (count < 1 || count > MAX_FARM_MEMBERS) return `${count} members`;
  const members: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = readStr8(buf, cursor, end, CLUSTER_NAME, MAX_NODE_NAME);
    if (m === undefined) return `bad member ${i}`;
    if (i > 0 && !(members[i - 1] < m)) return 'members not sorted or repeated';
    members.push(m);
  }
  if (!members.includes(leader)) return 'the leader is not a member';
  if (cursor.at >= end) return 'missing group count';
  const groups = buf[cursor.at++];
  if (groups > MAX_FARM_GROUPS) return `${groups} groups, at most ${MAX_FARM_GROUPS}`;
  if (cursor.at + groups * BUCKETS > end) return 'truncated bucket owners';
  const owners: (string | null)[][] = [];
  for (let g = 0; g < groups; g++) {
    const table: (string | null)[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const index = buf[cursor.at++];
      if (index === NO_OWNER) table.push(null);
      else if (index < members.length) table.push(members[index]);
      else return `bucket ${b} of group ${g}: owner ${index} is not a member`;
    }
    owners.push(table);
  }
  return { leader, epoch, groupsDigest, members, owners };
}

function validate(p: FarmPacket): string | undefined {
  if (!MODULE_NAME.test(p.module)) return `module name ${JSON.stringify(p.module)}`;
  if (!validName(p.sender, MAX_NODE_NAME)) return `sender ${JSON.stringify(p.sender)}`;
  if (!validName(p.lan, MAX_LAN_NAME)) return `LAN ${JSON.stringify(p.lan)}`;
  for (const n of [p.incarnation, p.sequence, p.echo, p.seenEpoch]) if (!isU53(n)) return `counter ${n}`;
  const v = p.view;
  if (!v) return undefined;
  if (!isU53(v.epoch)) return `epoch ${v.epoch}`;
  if (!Number.isInteger(v.groupsDigest) || v.groupsDigest < 0 || v.groupsDigest >= 2 ** 32)
    return `groups digest ${v.groupsDigest}`;
  if (v.members.length < 1 || v.members.length > MAX_FARM_MEMBERS) return `${v.members.length} members`;
  if (!v.members.every((m, i) => validName(m, MAX_NODE_NAME) && (i === 0 || v.members[i - 1] < m)))
    return 'members must be valid names, sorted, without repeats';
  if (!v.members.includes(v.leader)) return 'the leader is not a member';
  if (v.owners.length > MAX_FARM_GROUPS) return `${v.owners.length} groups`;
  for (const table of v.owners) {
    if (table.length !== BUCKETS) return `a group of ${table.length} buckets`;
    if (table.some((o) => o !== null && !v.members.includes(o))) return 'a bucket owned by a non-member';
  }
  return undefined;
}

function malformed(detail: string): { ok: false; error: MalformedPacket } {
  return { ok: false, error: new MalformedPacket(detail) };
}
