// The farm filter's nft scripts (snapshots: the shape is decision 0018's) and what of a <vip> the
// filter refuses. The scripts are run against the real kernel in nft-farm-filter.medium.spec.ts.
import type { LbGroup, LbRule, SourceLocation, Vip, VipInterface } from '@keel/config';
import {
  bucketUpdateScript,
  farmFilterScript,
  farmTableName,
  FarmFilterInputError,
  removeScript,
  type FarmFilterInput,
} from '../src/core/farm-filter';
import { farmFilterProblems } from '../src/core/farm-filter-problems';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const web: FarmFilterInput = {
  module: 'web',
  interfaces: [{ ifname: 'eth0', vmac: '02:00:c6:12:00:32', vips: [{ addr: '198.18.0.50', family: 4 }] }],
  groups: [
    {
      rules: [{ virtualAddr: '198.18.0.50', port: 80, proto: 'tcp', filter: 'on_port' }],
      buckets: range(0, 127),
    },
  ],
};

describe('farmFilterScript', () => {
  it('on_port, tcp port 80, one IPv4 VIP', () => {
    expect(farmFilterScript(web)).toMatchSnapshot();
  });

  it('on_addr udp on any port, `*` rules, two groups, an IPv6 VIP beside an IPv4 one', () => {
    const script = farmFilterScript({
      module: 'dns_farm-2',
      interfaces: [
        {
          ifname: 'bond0.12',
          vmac: '5A:FE:C6:12:00:33',
          vips: [
            { addr: '198.18.0.51', family: 4 },
            { addr: '2001:2:0:0::51', family: 6 },
          ],
        },
      ],
      groups: [
        {
          rules: [
            { virtualAddr: '*', port: 53, proto: 'udp', filter: 'on_addr' },
            { virtualAddr: '*', port: '*', proto: 'tcp', filter: 'on_addr' },
          ],
          buckets: [3, 1, 2, 2],
        },
        { rules: [{ virtualAddr: '2001:2::51', port: '*', proto: 'udp', filter: 'on_port' }], buckets: [] },
      ],
    });
    expect(script).toMatchSnapshot();
    // The second group's rule names the IPv6 VIP only: no IPv4 line uses its set.
    expect(script).not.toMatch(/ip daddr .* @g1/);
    expect(script).toMatch(
      /ip6 daddr 2001:2::51 meta l4proto udp jhash ip6 saddr \. udp sport .* @g1 accept/,
    );
  });

  it('one ingress chain per interface, each with its own virtual MAC and VIPs', () => {
    const script = farmFilterScript({
      ...web,
      interfaces: [
        ...web.interfaces,
        { ifname: 'eth1', vmac: '02:00:c6:12:01:32', vips: [{ addr: '198.18.1.50', family: 4 }] },
      ],
      groups: [{ rules: [{ virtualAddr: '*', port: 80, proto: 'tcp', filter: 'on_port' }], buckets: [] }],
    });
    const [in0, in1] = script.split('chain in1 {') as [string, string];
    expect(in0).toContain('device "eth0"');
    expect(in0).toContain('ip daddr 198.18.0.50 tcp dport 80 jhash');
    expect(in0).not.toContain('198.18.1.50 tcp');
    expect(in1).toContain('device "eth1"');
    expect(in1).toContain('ether daddr 02:00:c6:12:01:32 meta pkttype set host');
    expect(in1).toContain('ip daddr 198.18.1.50 tcp dport 80 jhash');
    expect(in1).not.toContain('198.18.0.50 tcp');
    // Both VIPs in the arp table, and no ip6 table without an IPv6 VIP (only its removal).
    expect(script).toContain('arp daddr ip { 198.18.0.50, 198.18.1.50 } drop');
    expect(script).not.toContain('table ip6 keel_web {');
  });

  it('replaces whatever the module had, in every family, within the same transaction', () => {
    expect(farmFilterScript(web).startsWith(`# keel farm filter of module web`)).toBe(true);
    expect(farmFilterScript(web)).toContain(removeScript('web'));
  });

  it.each([
    [{ ...web, module: 'a b' }, /module name 'a b'/],
    [{ ...web, module: 'x'.repeat(65) }, /module name/],
    [
      { ...web, interfaces: [{ ...web.interfaces[0]!, ifname: 'eth0"; drop' }] },
      /interface name 'eth0"; drop'/,
    ],
    [
      { ...web, interfaces: [{ ...web.interfaces[0]!, vmac: '03:00:00:00:00:01' }] },
      /eth0: virtual MAC 03:00:00:00:00:01 is a multicast/,
    ],
    [{ ...web, interfaces: [{ ...web.interfaces[0]!, vmac: '02:00' }] }, /eth0: virtual MAC '02:00'/],
    [
      { ...web, interfaces: [{ ...web.interfaces[0]!, vips: [{ addr: 'fe80::1', family: 4 as const }] }] },
      /'fe80::1' is not an IPv4/,
    ],
    [{ ...web, interfaces: [] }, /no interface/],
    [{ ...web, groups: [] }, /no load-balancing group/],
    [
      { ...web, groups: [{ ...web.groups[0]!, buckets: [256] }] },
      /group 0: bucket 256 is not an integer from 0 to 255/,
    ],
    [
      {
        ...web,
        groups: [{ buckets: [], rules: [{ virtualAddr: '*', port: '*', proto: 'udp', filter: 'on_ipid' }] }],
      },
      /group 0 rule 1: filter="on_ipid"/,
    ],
    [
      {
        ...web,
        groups: [
          { buckets: [], rules: [{ virtualAddr: '198.18.0.99', port: 80, proto: 'tcp', filter: 'on_addr' }] },
        ],
      },
      /group 0 rule 1: virtual_addr="198.18.0.99" is not a VIP/,
    ],
  ] as [FarmFilterInput, RegExp][])('refuses bad input, naming it (%#)', (input, message) => {
    expect(() => farmFilterScript(input)).toThrow(FarmFilterInputError);
    expect(() => farmFilterScript(input)).toThrow(message);
  });
});

describe('bucketUpdateScript and removeScript', () => {
  it('flushes then refills the one set, sorted and without duplicates', () => {
    expect(bucketUpdateScript('web', 1, [200, 7, 7, ...range(16, 33)])).toMatchSnapshot();
  });

  it('an empty list closes the group: only the flush', () => {
    expect(bucketUpdateScript('web', 0, [])).toBe('flush set netdev keel_web g0\n');
  });

  it('refuses a bucket out of range and a bad group index', () => {
    expect(() => bucketUpdateScript('web', 0, [-1])).toThrow(/group 0: bucket -1/);
    expect(() => bucketUpdateScript('web', 1.5, [])).toThrow(/group index 1.5/);
  });

  it('removes every family, present or not', () => {
    expect(removeScript('web')).toMatchSnapshot();
    expect(farmTableName('Web_1-a')).toBe('keel_Web_1-a');
  });
});

describe('farmFilterProblems', () => {
  const loc = (path: string, line = 1): SourceLocation => ({ file: 'userconfig.xml', path, line, column: 1 });
  const rule = (over: Partial<LbRule> = {}): LbRule => ({
    virtualAddr: '*',
    port: 80,
    proto: 'tcp',
    filter: 'on_port',
    loc: loc('/safe/service/vip/loadbalancing_list/group/rule', 20),
    ...over,
  });
  const group = (rules: LbRule[], name = 'web'): LbGroup => ({
    name,
    hosts: undefined,
    rules,
    loc: loc('/g'),
  });
  const itf = (over: Partial<VipInterface> = {}): VipInterface => ({
    check: true,
    arpreroute: false,
    arpinterval: 60,
    arpelapse: 1200,
    name: undefined,
    virtualInterface: { type: 'vmac_invisible', mac: undefined, loc: loc('/vi', 5) },
    addresses: [
      {
        addr: '198.18.0.50',
        where: 'alias',
        check: true,
        connections: false,
        netmask: undefined,
        loc: loc('/va', 6),
      },
    ],
    loc: loc('/itf', 4),
    ...over,
  });
  const vip = (
    interfaces: VipInterface[],
    groups: LbGroup[],
  ): Pick<Vip, 'loc' | 'interfaces' | 'groups'> => ({
    loc: loc('/safe/service/vip', 2),
    interfaces,
    groups,
  });
  const messages = (v: ReturnType<typeof vip>) => farmFilterProblems(v).map((p) => p.toString());

  it('none for vmac_invisible with tcp/udp rules on on_addr/on_port', () => {
    const rules = [rule(), rule({ proto: 'udp', filter: 'on_addr', virtualAddr: '198.18.0.50', port: '*' })];
    expect(messages(vip([itf()], [group(rules)]))).toEqual([]);
  });

  it('on_ipid, with why and what to use instead', () => {
    expect(messages(vip([itf()], [group([rule({ proto: 'udp', filter: 'on_ipid' })])]))).toEqual([
      expect.stringMatching(
        /^userconfig\.xml:20:1: .*\/rule @filter: filter="on_ipid" is not supported: .*TCP.*IPv6.*UDP flow.*on_port/,
      ),
    ]);
  });

  it('proto="arp" and vmac_directed, declined', () => {
    const directed = itf({ virtualInterface: { type: 'vmac_directed', mac: undefined, loc: loc('/vi', 5) } });
    const found = farmFilterProblems(
      vip([directed], [group([rule({ proto: 'arp', filter: 'on_addr', port: '*' })])]),
    );
    expect(found.map((p) => [p.location.line, p.attribute])).toEqual([
      [5, 'type'],
      [20, 'proto'],
    ]);
    expect(found[0]!.message).toMatch(/vmac_directed" is not supported/);
    expect(found[1]!.message).toMatch(/proto="arp" is not supported/);
  });

  it('an interface without <virtual_interface>, a VIP that cannot be one, no group', () => {
    const bad = itf({
      virtualInterface: undefined,
      addresses: [
        {
          addr: '127.0.0.9',
          where: 'alias',
          check: true,
          connections: false,
          netmask: undefined,
          loc: loc('/va', 6),
        },
      ],
    });
    expect(messages(vip([bad], []))).toEqual([
      expect.stringMatching(/:4:1: \/itf: a farm VIP needs <virtual_interface/),
      expect.stringMatching(/:6:1: \/va @addr: virtual IP 127\.0\.0\.9 is a loopback address/),
      expect.stringMatching(/:2:1: \/safe\/service\/vip: a farm VIP needs a <group>/),
    ]);
  });

  it('a rule naming no VIP of the module; the same VIP written otherwise is one', () => {
    const six = itf({
      addresses: [
        {
          addr: '2001:2::50',
          where: 'alias',
          check: true,
          connections: false,
          netmask: undefined,
          loc: loc('/va'),
        },
      ],
    });
    expect(messages(vip([six], [group([rule({ virtualAddr: '2001:2:0::0050' })])]))).toEqual([]);
    expect(messages(vip([six], [group([rule({ virtualAddr: '2001:2::51' })])]))).toEqual([
      expect.stringMatching(/@virtual_addr: virtual_addr 2001:2::51 is not a virtual address of this module/),
    ]);
  });
});
