// A farm module's kernel filter as nft scripts (pure; decision 0018, the data path of decision
// 0017): every node of the farm receives every frame sent to the virtual MAC, hashes the client's
// key into one of 256 buckets and keeps the packet only when the bucket is in its own set. The
// scripts are text for `nft -f -`: one file is one kernel transaction, so a table is replaced and
// a set refilled atomically, never seen half-built.
import { canonicalAddress, type LbRule } from '@keel/config';
import { isIPv4, isIPv6 } from 'node:net';

export const FARM_BUCKETS = 256;
/** Every node hashes with the same seed, so a client lands in the same bucket on each of them. */
export const FARM_HASH_SEED = 0x5afe;
/** Before anything else on the interface (conntrack and tc come later), as in the lab. */
export const FARM_INGRESS_PRIORITY = -500;

const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// Stricter than the kernel (which takes any byte but '/', ':' and blanks): the name is written
// between double quotes in the script, so no quote, backslash or blank may reach it.
const IFNAME = /^[A-Za-z0-9_.@+-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** The input does not describe a filter nft could be given; the message names the culprit. */
export class FarmFilterInputError extends Error {
  override readonly name = 'FarmFilterInputError';
}

export interface FarmFilterVip {
  readonly addr: string;
  readonly family: 4 | 6;
}

export interface FarmFilterInterface {
  readonly ifname: string;
  /** The virtual MAC (`<virtual_interface addr>` or its default), colon form. */
  readonly vmac: string;
  /** The module's VIPs on this interface. */
  readonly vips: readonly FarmFilterVip[];
}

export type FarmFilterRule = Pick<LbRule, 'virtualAddr' | 'port' | 'proto' | 'filter'>;

export interface FarmFilterGroup {
  /** In document order; only tcp/udp with on_addr/on_port (see farmFilterProblems). */
  readonly rules: readonly FarmFilterRule[];
  /** This node's buckets for the group, 0..255; empty: the group is closed on this node. */
  readonly buckets: readonly number[];
}

export interface FarmFilterInput {
  readonly module: string;
  readonly interfaces: readonly FarmFilterInterface[];
  /** `<loadbalancing_list>` groups in document order: group i is set `g<i>`. */
  readonly groups: readonly FarmFilterGroup[];
}

/** `keel_<module>`: a valid nft identifier for every module name keel accepts, never quoted. */
export function farmTableName(module: string): string {
  // nft 1.0.6 takes no quoted table names, so the name itself must be an identifier.
  if (!MODULE_NAME.test(module)) {
    throw new FarmFilterInputError(`module name '${module}' is not 1 to 64 of A-Z a-z 0-9 _ -`);
  }
  return `keel_${module}`;
}

/**
 * The set of group `index`: group names are free text in userconfig.xml, so they never reach
 * the script; the index is the group's position in <loadbalancing_list>.
 */
export function farmGroupSet(index: number): string {
  if (!Number.isInteger(index) || index < 0) {
    throw new FarmFilterInputError(`group index ${index} is not a non-negative integer`);
  }
  return `g${index}`;
}

/** Every family keel may create for a module; removal and replacement go over all of them. */
const FAMILIES = ['arp', 'netdev', 'ip6'] as const;

/**
 * Deletes the module's tables, present or not: `add table` then `delete table` in one
 * transaction (nft 1.0.6 has no `destroy`, which came with 1.0.8 and Linux 6.3).
 */
export function removeScript(module: string): string {
  const table = farmTableName(module);
  return FAMILIES.map((f) => `add table ${f} ${table}\ndelete table ${f} ${table}\n`).join('');
}

/** Flushes and refills one group's set in one transaction: the packet rules never change. */
export function bucketUpdateScript(module: string, group: number, buckets: readonly number[]): string {
  const table = farmTableName(module);
  const set = farmGroupSet(group);
  const list = bucketList(buckets, `group ${group}`);
  const add = list.length === 0 ? '' : `add element netdev ${table} ${set} { ${elements(list, '  ')} }\n`;
  return `flush set netdev ${table} ${set}\n${add}`;
}

/** The module's whole filter, replacing any previous one atomically (see decision 0018 for its shape). */
export function farmFilterScript(input: FarmFilterInput): string {
  const table = farmTableName(input.module);
  if (input.interfaces.length === 0) throw new FarmFilterInputError(`module ${input.module}: no interface`);
  if (input.groups.length === 0) {
    throw new FarmFilterInputError(`module ${input.module}: no load-balancing group (<loadbalancing_list>)`);
  }
  const interfaces = input.interfaces.map(checkedInterface);
  const vips = interfaces.flatMap((i) => i.vips);
  const v4 = vips.filter((v) => v.family === 4).map((v) => v.addr);
  const v6 = vips.filter((v) => v.family === 6).map((v) => v.addr);
  const rules = input.groups.flatMap((g, gi) => g.rules.map((r, ri) => checkedRule(r, gi, ri, vips)));

  const out: string[] = [
    `# keel farm filter of module ${input.module} (generated, replaced as a whole; decision 0018)`,
    removeScript(input.module).trimEnd(),
  ];
  if (v4.length > 0) {
    // The kernel must not answer ARP for the VIP with the node's own MAC: the farm leader answers
    // with the virtual one from a packet socket. Only requests: replies carry the answers this
    // node's own resolution of its clients needs.
    out.push(
      `table arp ${table} {`,
      '  chain input {',
      '    type filter hook input priority filter; policy accept;',
      `    arp operation request arp daddr ip ${addrs(v4)} drop`,
      '  }',
      // Nor tell the LAN about it with that MAC: arp_announce keeps the VIP out of the node's own
      // requests, but a bond failover or a live migration (NETDEV_NOTIFY_PEERS) has the kernel
      // announce every address of the device. The leader's answers leave from a packet socket,
      // which this hook does not see.
      '  chain output {',
      '    type filter hook output priority filter; policy accept;',
      `    arp saddr ip ${addrs(v4)} drop`,
      '  }',
      '}',
    );
  }
  if (v6.length > 0) {
    // The same for neighbour solicitations. In the input hook, not in ingress, so that the
    // leader's packet socket still sees them. nft 1.0.6 has no `icmpv6 taddr`: the target is
    // the 128 bits after the ICMPv6 header's first 8 bytes.
    out.push(
      `table ip6 ${table} {`,
      '  chain input {',
      '    type filter hook input priority filter; policy accept;',
      ...v6.map((a) => `    icmpv6 type nd-neighbor-solicit @th,64,128 ${ipv6Hex(a)} drop`),
      '  }',
      '}',
    );
  }
  out.push(`table netdev ${table} {`);
  input.groups.forEach((g, gi) => {
    const list = bucketList(g.buckets, `group ${gi}`);
    out.push(`  set ${farmGroupSet(gi)} {`, SET_TYPE);
    if (list.length > 0) out.push(`    elements = { ${elements(list, '      ')} }`);
    out.push('  }');
  });
  interfaces.forEach((itf, n) => {
    out.push(
      `  chain in${n} {`,
      `    type filter hook ingress device "${itf.ifname}" priority ${FARM_INGRESS_PRIORITY}; policy accept;`,
      ...chainRules(itf, rules).map((l) => `    ${l}`),
      '  }',
    );
  });
  out.push('}');
  return `${out.join('\n')}\n`;
}

// The jhash value is compared with the set directly, so meta mark (the administrator's) is never
// touched. The set needs a 32-bit integer key: `typeof jhash ...` makes nft 1.0.6 crash when it
// lists the set, and `type mark` is refused against jhash (datatype mismatch); `meta length` is a
// plain 32-bit integer, used only for its type.
const SET_TYPE = '    typeof meta length';

interface CheckedRule {
  readonly group: number;
  readonly index: number;
  readonly rule: FarmFilterRule & { proto: 'tcp' | 'udp'; filter: 'on_addr' | 'on_port' };
  /** Canonical VIP, or '*'. */
  readonly vip: string;
}

function chainRules(itf: FarmFilterInterface, rules: readonly CheckedRule[]): string[] {
  const lines = [
    // Frames to the virtual MAC arrive as "other host", which the IP layer drops.
    `ether daddr ${itf.vmac} meta pkttype set host`,
  ];
  for (const family of [4, 6] as const) {
    const own = itf.vips.filter((v) => v.family === family).map((v) => v.addr);
    if (own.length === 0) continue;
    const ip = family === 4 ? 'ip' : 'ip6';
    const dst = `${ip} daddr ${addrs(own)}`;
    // Later fragments carry no ports: every node takes them, and only the node that took the
    // first one (hashed on its ports) can reassemble the datagram; the others let them expire.
    lines.push(family === 4 ? `${dst} ip frag-off & 0x1fff != 0 accept` : `${dst} frag frag-off != 0 accept`);
    // ICMP errors quote a packet some node sent: each node's kernel takes those about its own
    // connections and ignores the rest. Neighbour discovery is link business of each node.
    lines.push(
      family === 4
        ? `${dst} icmp type { destination-unreachable, source-quench, redirect, time-exceeded, parameter-problem } accept`
        : `${dst} icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, ` +
            'nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } accept',
    );
    for (const r of rules) {
      const targets = r.vip === '*' ? own : own.filter((a) => a === r.vip);
      if (targets.length === 0) continue;
      const { proto, port, filter } = r.rule;
      const match = `${ip} daddr ${addrs(targets)} ${port === '*' ? `meta l4proto ${proto}` : `${proto} dport ${port}`}`;
      const key = filter === 'on_addr' ? `${ip} saddr` : `${ip} saddr . ${proto} sport`;
      const note = `comment "${farmGroupSet(r.group)} rule ${r.index + 1}"`;
      // First matching rule wins: it either keeps the packet or drops it.
      lines.push(`${match} ${hashed(key)} @${farmGroupSet(r.group)} accept ${note}`, `${match} drop ${note}`);
    }
    // Anything else to the VIP (ping, other ports and protocols) is served by exactly one node,
    // hashed on the source address into the first group's set.
    lines.push(
      `${dst} ${hashed(`${ip} saddr`)} @${farmGroupSet(0)} accept comment "no rule"`,
      `${dst} drop comment "no rule"`,
    );
  }
  return lines;
}

function hashed(key: string): string {
  return `jhash ${key} mod ${FARM_BUCKETS} seed 0x${FARM_HASH_SEED.toString(16)}`;
}

function addrs(list: readonly string[]): string {
  return list.length === 1 ? (list[0] as string) : `{ ${list.join(', ')} }`;
}

function elements(list: readonly number[], indent: string): string {
  const lines: string[] = [];
  for (let i = 0; i < list.length; i += 16) lines.push(list.slice(i, i + 16).join(', '));
  return lines.join(`,\n${indent}`);
}

function bucketList(buckets: readonly number[], what: string): number[] {
  for (const b of buckets) {
    if (!Number.isInteger(b) || b < 0 || b >= FARM_BUCKETS) {
      throw new FarmFilterInputError(`${what}: bucket ${b} is not an integer from 0 to ${FARM_BUCKETS - 1}`);
    }
  }
  return [...new Set(buckets)].sort((a, b) => a - b);
}

function checkedInterface(itf: FarmFilterInterface): FarmFilterInterface {
  if (!IFNAME.test(itf.ifname) || itf.ifname === '.' || itf.ifname === '..') {
    throw new FarmFilterInputError(`interface name '${itf.ifname}' is not 1 to 15 of A-Z a-z 0-9 _ . @ + -`);
  }
  const vmac = itf.vmac.toLowerCase();
  if (!MAC.test(vmac))
    throw new FarmFilterInputError(
      `interface ${itf.ifname}: virtual MAC '${itf.vmac}' is not xx:xx:xx:xx:xx:xx`,
    );
  // A group address would make every station on the LAN take the frames.
  if (parseInt(vmac.slice(0, 2), 16) & 1) {
    throw new FarmFilterInputError(`interface ${itf.ifname}: virtual MAC ${vmac} is a multicast address`);
  }
  if (itf.vips.length === 0) throw new FarmFilterInputError(`interface ${itf.ifname}: no virtual address`);
  const vips = itf.vips.map((v) => {
    const ok = v.family === 4 ? isIPv4(v.addr) : isIPv6(v.addr);
    if (!ok)
      throw new FarmFilterInputError(`interface ${itf.ifname}: '${v.addr}' is not an IPv${v.family} address`);
    return { addr: canonicalAddress(v.addr) as string, family: v.family };
  });
  return { ifname: itf.ifname, vmac, vips };
}

function checkedRule(
  r: FarmFilterRule,
  group: number,
  index: number,
  vips: readonly FarmFilterVip[],
): CheckedRule {
  const where = `group ${group} rule ${index + 1}`;
  if (r.proto !== 'tcp' && r.proto !== 'udp') {
    throw new FarmFilterInputError(`${where}: proto="${r.proto}" is not supported by the filter`);
  }
  if (r.filter !== 'on_addr' && r.filter !== 'on_port') {
    throw new FarmFilterInputError(`${where}: filter="${r.filter}" is not supported by the filter`);
  }
  if (r.port !== '*' && !(Number.isInteger(r.port) && r.port >= 1 && r.port <= 65535)) {
    throw new FarmFilterInputError(`${where}: port="${r.port}" is not * or 1 to 65535`);
  }
  const vip = r.virtualAddr === '*' ? '*' : canonicalAddress(r.virtualAddr);
  if (vip === undefined || (vip !== '*' && !vips.some((v) => v.addr === vip))) {
    throw new FarmFilterInputError(`${where}: virtual_addr="${r.virtualAddr}" is not a VIP of the module`);
  }
  return { group, index, vip, rule: { ...r, proto: r.proto, filter: r.filter } };
}

/** The 32 hex digits of an IPv6 address, for a raw payload match. */
function ipv6Hex(addr: string): string {
  const [head = '', tail = ''] = addr.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = addr.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `0x${all.map((g) => g.padStart(4, '0')).join('')}`;
}
