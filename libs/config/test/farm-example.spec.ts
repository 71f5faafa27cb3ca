import { loadValid } from './valid';

// reference ops §15.2 farm.safe and its rule and power variants.
describe('farm.safe', () => {
  it('reads the base module: membership defaults, shared VIP, one group', () => {
    const { config: m } = loadValid('farm', 'cluster-3nodes.xml');
    expect(m.farm).toMatchObject({ port: undefined, pulse: 100, mlostCount: 20, slostCount: 10 });
    expect(m.farm!.lans.map((l) => l.name)).toEqual(['default']);
    const [iface] = m.vip!.interfaces;
    expect(iface.virtualInterface).toMatchObject({ type: 'vmac_directed', mac: undefined });
    expect(iface.addresses[0]).toMatchObject({ addr: '10.1.0.126', where: 'alias' });
    expect(m.vip!.scriptcontrol).toBe(false);
    expect(m.vip!.groups).toEqual([
      expect.objectContaining({
        name: 'FarmProto',
        hosts: undefined,
        rules: [expect.objectContaining({ virtualAddr: '*', port: 9010, proto: 'tcp', filter: 'on_port' })],
      }),
    ]);
    expect(m.heart).toBeUndefined();
    expect(m.rfs).toBeUndefined();
  });

  it('reads TCP and UDP rule variants', () => {
    const { config: m } = loadValid('farm-rules', 'cluster-3nodes.xml');
    const rules = m.vip!.groups.flatMap((g) =>
      g.rules.map((r) => `${g.name}:${r.port}/${r.proto}:${r.filter}`),
    );
    expect(rules).toEqual([
      'tcp_services:23/tcp:on_port',
      'tcp_services:80/tcp:on_addr',
      'tcp_services:443/tcp:on_addr',
      'tcp_services:8080/tcp:on_addr',
      'tcp_services:389/tcp:on_port',
      'udp_services:53/udp:on_ipid',
      'udp_services:1645/udp:on_ipid',
    ]);
    expect(m.vip!.interfaces[0].virtualInterface!.type).toBe('vmac_invisible');
  });

  it('reads per-group hosts and powers', () => {
    const { config: m } = loadValid('farm-powers', 'cluster-3nodes.xml');
    const hosts = Object.fromEntries(
      m.vip!.groups.map((g) => [g.name, g.hosts!.map((h) => `${h.name}=${h.power}`)]),
    );
    expect(hosts).toEqual({
      http_service: ['node1=3', 'node2=1', 'node3=1'],
      https_service: ['node2=3'],
      httpproxy_service: ['node3=3'],
    });
  });

  it('reads scriptcontrol', () => {
    expect(loadValid('farm-scriptcontrol', 'cluster-3nodes.xml').config.vip!.scriptcontrol).toBe(true);
  });
});
