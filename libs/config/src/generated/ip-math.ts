import { isIPv4, isIPv6 } from 'node:net';

/** An address as a number plus its bit width, so IPv4 and IPv6 share the prefix arithmetic. */
interface Numeric {
  readonly value: bigint;
  readonly bits: 32 | 128;
}

export function toNumeric(addr: string): Numeric | undefined {
  if (isIPv4(addr)) {
    return { value: addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n), bits: 32 };
  }
  if (!isIPv6(addr)) return undefined;
  // An IPv4 address in the last 32 bits (::ffff:198.18.0.1) is two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (dotted) {
    const v4 = (toNumeric(dotted[2] as string) as Numeric).value;
    return toNumeric(`${dotted[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`);
  }
  const [head, tail = ''] = addr.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return { value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

function fromNumeric(n: Numeric): string {
  if (n.bits === 32) return [24n, 16n, 8n, 0n].map((s) => ((n.value >> s) & 255n).toString()).join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((n.value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  // RFC 5952: the longest run (two or more) of zero groups becomes '::'.
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

export function netmaskToPrefix(mask: string): number {
  const n = toNumeric(mask);
  return n ? n.value.toString(2).replace(/0+$/, '').length : 0;
}

/** The network address of `addr` under a prefix length, e.g. 10.0.0.129/24 -> 10.0.0.0. */
export function networkOf(addr: string, prefix: number): string | undefined {
  const n = toNumeric(addr);
  if (!n) return undefined;
  const host = n.bits - prefix;
  return fromNumeric({ value: (n.value >> BigInt(host)) << BigInt(host), bits: n.bits });
}

export function sameNetwork(a: string, b: string, prefix: number): boolean {
  const na = networkOf(a, prefix);
  return na !== undefined && na === networkOf(b, prefix) && toNumeric(a)?.bits === toNumeric(b)?.bits;
}

/** The one way an address is written (RFC 5952 for IPv6: lower case, `::` for the longest zero run). */
export function canonicalAddress(addr: string): string | undefined {
  const n = toNumeric(addr.toLowerCase());
  return n ? fromNumeric(n) : undefined;
}

/**
 * Why an address cannot be a virtual IP, or undefined when it can: a name (a failover must not wait
 * on a name server), loopback, link-local IPv4, unspecified, multicast or IPv4-mapped IPv6 (the
 * same ranges keel-vip and keel-fence refuse).
 */
export function virtualIpProblem(addr: string): string | undefined {
  if (addr.includes('%')) return 'carries a zone (%): write the address alone, with <interface name>';
  const n = toNumeric(addr.toLowerCase());
  if (!n) return 'is a name: write the address (a failover must not wait on a name server)';
  const v = n.value;
  if (n.bits === 32) {
    const first = Number(v >> 24n);
    if (first === 127) return 'is a loopback address';
    if (v >> 16n === 0xa9fen) return 'is a link-local address (169.254.0.0/16)';
    if (v === 0n) return 'is the unspecified address';
    if (first >= 224) return 'is a multicast or reserved address';
    return undefined;
  }
  if (v === 1n) return 'is the loopback address';
  if (v === 0n) return 'is the unspecified address';
  if (v >> 120n === 0xffn) return 'is a multicast address';
  if (v >> 32n === 0xffffn) return 'is an IPv4-mapped address: write the IPv4 address';
  return undefined;
}
