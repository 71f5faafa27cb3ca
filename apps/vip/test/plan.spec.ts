// The vip service's plan and placement (pure): which modules place which VIPs, and where each goes.
import { parseClusterConfig, parseModuleConfig } from '@keel/config';
import { placeVip } from '../src/core/placement';
import { buildVipPlan } from '../src/core/plan';
import { vipAddress } from './support/plans';

const cluster = parseClusterConfig(
  `<cluster><lans><lan name="default"><node name="node1" addr="198.18.0.1"/><node name="node2" addr="198.18.0.2"/></lan></lans></cluster>`,
  'cluster.xml',
);
const mirror = (vip: string) =>
  parseModuleConfig(
    `<safe><service mode="mirror"><heart><heartbeat name="default"/></heart>${vip}</service></safe>`,
    'userconfig.xml',
    { env: {} },
  ).config;

test("a mirror module places its VIPs with their interface attributes; a farm module its VIP with the virtual MAC and the groups' rules", () => {
  const web =
    mirror(`<vip tcpreset="off"><interface_list><interface name="eth1" arpreroute="on" arpinterval="10s" arpelapse="60s" check="off"><real_interface>
    <virtual_addr addr="198.18.1.10" where="one_side_alias" netmask="255.255.255.0" check="off" connections="on"/>
    <virtual_addr addr="2001:2:0:1::10" where="one_side_alias"/>
  </real_interface></interface></interface_list></vip>`);
  const farm = parseModuleConfig(
    `<safe><service mode="farm"><farm><lan name="default"/></farm><vip><interface_list><interface><virtual_interface type="vmac_invisible">
      <virtual_addr addr="198.18.0.20" where="alias"/></virtual_interface></interface></interface_list>
      <loadbalancing_list><group name="FarmProto"><rule port="80" proto="tcp" filter="on_port"/></group></loadbalancing_list></vip></service></safe>`,
    'userconfig.xml',
    { env: {} },
  ).config;
  const { plan, notes } = buildVipPlan({
    node: 'node1',
    cluster,
    modules: [
      { name: 'web', id: 1, config: web },
      { name: 'farm1', id: 2, config: farm },
      { name: 'plain', id: 3, config: mirror('') },
    ],
  });
  expect(plan.modules.map((m) => m.name)).toEqual(['web', 'farm1']);
  expect(plan.modules[1]).toEqual({
    name: 'farm1',
    tcpreset: true,
    farm: {
      node: 'node1',
      groups: [
        { name: 'FarmProto', rules: [{ virtualAddr: '*', port: 80, proto: 'tcp', filter: 'on_port' }] },
      ],
    },
    addresses: [
      {
        addr: '198.18.0.20',
        family: 4,
        prefix: undefined,
        ifname: undefined,
        check: true,
        checkInterface: true,
        connections: false,
        reroute: undefined,
        // SafeKit's default: 5a:fe and the VIP in hex (reference §5.6.3).
        vmac: '5a:fe:c6:12:00:14',
      },
    ],
  });
  expect(plan.modules.slice(0, 1)).toEqual([
    {
      name: 'web',
      tcpreset: false,
      addresses: [
        {
          addr: '198.18.1.10',
          family: 4,
          prefix: 24,
          ifname: 'eth1',
          check: false,
          checkInterface: false,
          connections: true,
          reroute: { intervalMs: 10_000, elapseMs: 60_000 },
        },
        {
          addr: '2001:2:0:1::10',
          family: 6,
          prefix: undefined,
          ifname: 'eth1',
          check: true,
          checkInterface: false,
          connections: false,
          reroute: { intervalMs: 10_000, elapseMs: 60_000 },
        },
      ],
    },
  ]);
  expect(plan.refused).toEqual([]);
  expect(notes).toEqual([]);
});

test('a farm module keel cannot serve is refused, with every reason and where it is written', () => {
  const farm = parseModuleConfig(
    `<safe><service mode="farm"><farm><lan name="default"/></farm><vip scriptcontrol="on"><interface_list><interface><virtual_interface type="vmac_directed">
      <virtual_addr addr="2001:2::20" where="alias"/></virtual_interface></interface></interface_list>
      <loadbalancing_list><group name="FarmProto"><rule proto="udp" filter="on_ipid"/></group></loadbalancing_list></vip></service></safe>`,
    'userconfig.xml',
    { env: {} },
  ).config;
  const { plan } = buildVipPlan({
    node: 'node1',
    cluster,
    modules: [{ name: 'farm1', id: 2, config: farm }],
  });
  expect(plan.modules).toEqual([]);
  const reason = plan.refused[0]?.reason ?? '';
  expect(reason).toMatch(
    /userconfig\.xml:\d+:\d+: .*virtual_interface @type: type="vmac_directed" is not supported/,
  );
  expect(reason).toMatch(/@filter: filter="on_ipid" is not supported/);
  expect(reason).toMatch(/farm virtual IP 2001:2::20: only IPv4 farm VIPs are supported/);
});

test('addresses are kept as the kernel writes them; a name is refused, with the reason', () => {
  const web = mirror(`<vip><interface_list><interface><real_interface>
    <virtual_addr addr="2001:0002:0:0::0010" where="one_side_alias"/>
  </real_interface></interface></interface_list></vip>`);
  const named = mirror(`<vip><interface_list><interface><real_interface>
    <virtual_addr addr="web.example" where="one_side_alias"/>
  </real_interface></interface></interface_list></vip>`);
  const { plan } = buildVipPlan({
    node: 'node1',
    cluster,
    modules: [
      { name: 'web', id: 1, config: web },
      { name: 'named', id: 2, config: named },
    ],
    unreadable: ['broken'],
  });
  expect(plan.modules.map((m) => m.addresses.map((a) => a.addr))).toEqual([['2001:2::10']]);
  expect(plan.refused).toEqual([
    {
      module: 'named',
      reason:
        'virtual IP web.example is a name: write the address (a failover must not wait on a name server)',
    },
  ]);
  expect(plan.unreadable).toEqual(['broken']);
});

describe('placement', () => {
  const node = [
    { ifname: 'eth0', addr: '198.18.0.1', prefix: 24, keel: false },
    { ifname: 'eth0', addr: '2001:2::1', prefix: 64, keel: false },
    { ifname: 'eth1', addr: '198.18.1.1', prefix: 24, keel: false },
    // keel's own address never decides where the next VIP goes.
    { ifname: 'eth1', addr: '198.18.2.10', prefix: 24, keel: true },
  ];

  test.each([
    [vipAddress('198.18.1.10'), { addr: '198.18.1.10', prefix: 24, ifname: 'eth1' }, '198.18.1.0'],
    [vipAddress('2001:2::10'), { addr: '2001:2::10', prefix: 64, ifname: 'eth0' }, '2001:2::'],
    [
      vipAddress('198.18.1.10', { prefix: 28 }),
      { addr: '198.18.1.10', prefix: 28, ifname: 'eth1' },
      '198.18.1.0',
    ],
    [
      vipAddress('203.0.113.5', { ifname: 'eth1' }),
      { addr: '203.0.113.5', prefix: 32, ifname: 'eth1' },
      '203.0.113.5',
    ],
  ])('%j goes to %j (network %s)', (vip, placed, network) => {
    expect(placeVip(vip, node)).toEqual({ ok: true, placed, network });
  });

  test('no interface in its network and none named: the reason names <interface name>', () => {
    expect(placeVip(vipAddress('198.18.2.11'), node)).toEqual({
      ok: false,
      reason: expect.stringContaining('name one with <interface name>'),
    });
  });
});
