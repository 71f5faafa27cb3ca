// The byte-level pieces both packet kinds share (pure): big-endian integers below 2^53,
// length-prefixed ASCII names, and the HMAC over a packet.
import { createHmac } from 'node:crypto';
import type { HeartbeatKey } from './key';
import { CLUSTER_NAME } from './packet';

const TWO_32 = 2 ** 32;

export const validName = (name: string, max: number) =>
  name.length >= 1 && name.length <= max && CLUSTER_NAME.test(name);
export const isU53 = (n: number) => Number.isSafeInteger(n) && n >= 0;

export function mac(key: HeartbeatKey, data: Buffer): Buffer {
  return createHmac('sha256', key.hmacKey).update(data).digest();
}

export function writeU53(buf: Buffer, at: number, n: number): void {
  buf.writeUInt32BE(Math.floor(n / TWO_32), at);
  buf.writeUInt32BE(n % TWO_32, at + 4);
}

export function readU53(buf: Buffer, at: number): number | undefined {
  const hi = buf.readUInt32BE(at);
  if (hi >= 2 ** 21) return undefined;
  return hi * TWO_32 + buf.readUInt32BE(at + 4);
}

export function writeStr8(buf: Buffer, at: number, s: string): number {
  buf[at] = s.length;
  buf.write(s, at + 1, 'latin1');
  return at + 1 + s.length;
}

export function readStr8(
  buf: Buffer,
  cursor: { at: number },
  end: number,
  pattern: RegExp,
  max: number,
): string | undefined {
  if (cursor.at >= end) return undefined;
  const n = buf[cursor.at];
  if (n < 1 || n > max || cursor.at + 1 + n > end) return undefined;
  const s = buf.toString('latin1', cursor.at + 1, cursor.at + 1 + n);
  cursor.at += 1 + n;
  return pattern.test(s) ? s : undefined;
}
