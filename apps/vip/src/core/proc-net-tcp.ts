// Established TCP connections of a local address, from the kernel's /proc/net/tcp and tcp6 (pure):
// each line's local address is hexadecimal in the host's byte order, 32-bit word by word, and
// state 01 is ESTABLISHED. `<virtual_addr connections="on">` counts them (reference §5.6.3).
import { canonicalAddress } from '@keel/config';

const ESTABLISHED = '01';

/** The number of established connections whose local address is `addr` in a /proc/net/tcp{,6} text. */
export function establishedFrom(text: string, addr: string, littleEndian: boolean): number {
  const wanted = canonicalAddress(addr);
  let count = 0;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (fields[3] !== ESTABLISHED || !local) continue;
    if (decodeAddress(local.split(':')[0] ?? '', littleEndian) === wanted) count++;
  }
  return count;
}

/** 0100007F (little-endian host) -> 127.0.0.1; 32 hex digits -> an IPv6 address. */
export function decodeAddress(hex: string, littleEndian: boolean): string | undefined {
  if (!/^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(hex)) return undefined;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((i) => parseInt(hex.slice(w + i, w + i + 2), 16));
    bytes.push(...(littleEndian ? word.reverse() : word));
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return canonicalAddress(groups.join(':'));
}
