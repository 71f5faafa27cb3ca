// Frames as a capture on a lab host saw them (`tcpdump -xx`, the whole frame in hex), decoded
// into what an ARP announcement and a neighbour advertisement say.
import { canonicalAddress } from '@keel/config';

const mac = (b: Buffer, at: number) =>
  [...b.subarray(at, at + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ipv4 = (b: Buffer, at: number) => [...b.subarray(at, at + 4)].join('.');
const ipv6 = (b: Buffer, at: number) => {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(at + i).toString(16));
  return canonicalAddress(groups.join(':')) ?? '';
};

/** The frames of a `tcpdump -xx` output, in order. */
export function capturedFrames(text: string): Buffer[] {
  const frames: Buffer[] = [];
  let hex = '';
  for (const line of text.split('\n')) {
    const data = /^\s+0x[0-9a-f]+:\s+((?:[0-9a-f]{2,4}\s?)+)/.exec(line);
    if (data) hex += (data[1] ?? '').replace(/\s/g, '');
    else if (line.trim() !== '') {
      if (hex) frames.push(Buffer.from(hex, 'hex'));
      hex = '';
    }
  }
  if (hex) frames.push(Buffer.from(hex, 'hex'));
  return frames;
}

export interface ArpFrame {
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetIp: string;
}

export function arpOf(f: Buffer): ArpFrame | undefined {
  if (f.length < 42 || f.readUInt16BE(12) !== 0x0806) return undefined;
  return {
    ethDst: mac(f, 0),
    ethSrc: mac(f, 6),
    op: f.readUInt16BE(20),
    senderMac: mac(f, 22),
    senderIp: ipv4(f, 28),
    targetIp: ipv4(f, 38),
  };
}

export interface NeighbourAdvert {
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
  /** R, S, O bits (0x80, 0x40, 0x20). */
  readonly flags: number;
  readonly target: string;
  /** The target link-layer address option, if any. */
  readonly targetMac: string | undefined;
}

export function neighbourAdvertOf(f: Buffer): NeighbourAdvert | undefined {
  if (f.length < 14 + 40 + 24 || f.readUInt16BE(12) !== 0x86dd || f[20] !== 58 || f[54] !== 136)
    return undefined;
  let targetMac: string | undefined;
  for (let at = 14 + 40 + 24; at + 8 <= f.length;) {
    const type = f[at] ?? 0;
    const len = (f[at + 1] ?? 0) * 8;
    if (len === 0) break;
    if (type === 2) targetMac = mac(f, at + 2);
    at += len;
  }
  return {
    ethDst: mac(f, 0),
    ethSrc: mac(f, 6),
    src: ipv6(f, 22),
    dst: ipv6(f, 38),
    hopLimit: f[21] ?? 0,
    flags: f[58] ?? 0,
    target: ipv6(f, 62),
    targetMac,
  };
}
