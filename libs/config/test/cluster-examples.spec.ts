import { loadValidCluster } from './valid';

// reference ops §12.1: the two-LAN and NAT examples.
describe('cluster.xml examples', () => {
  it('reads two LANs, the defaults and the command LAN (the first)', () => {
    const c = loadValidCluster('cluster-2lans.xml');
    expect(c).toMatchObject({
      port: 4800,
      pulse: 100,
      mlostCount: 20,
      slostCount: 10,
      commandLan: 'default',
      nodes: ['node1', 'node2'],
    });
    expect(c.lans.map((l) => [l.name, l.nodes.map((n) => `${n.name}@${n.addr}`)])).toEqual([
      ['default', ['node1@10.0.0.107', 'node2@10.0.0.108']],
      ['private', ['node1@10.1.0.107', 'node2@10.1.0.108']],
    ]);
  });

  it('reads NAT addresses: names as seen by others and the local laddr', () => {
    const c = loadValidCluster('cluster-nat.xml');
    expect(c.lans[0].nodes.map((n) => [n.addr, n.laddr])).toEqual([
      ['server1.dns.name', '10.0.0.1'],
      ['server2.dns.name', '10.0.0.2'],
    ]);
  });
});

// docs/decisions/0019: the lease arbiter's store, keel beyond SafeKit.
describe('cluster.xml <arbiter>', () => {
  it('reads the etcd members in order, IPv6 in brackets and names included', () => {
    expect(loadValidCluster('cluster-arbiter.xml').arbiter?.endpoints).toEqual([
      'http://10.2.0.1:2379',
      'http://[2001:db8::3]:2379',
      'http://witness.example:2379',
    ]);
  });

  it('is absent from a cluster without one', () => {
    expect(loadValidCluster('cluster-2lans.xml').arbiter).toBeUndefined();
  });
});
