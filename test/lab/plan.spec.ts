// The naming and address plan (pure; runs without root).
import { LabSpecError, planLab } from '../../tools/lab/src/plan';

describe('lab plan', () => {
  const plan = planLab({
    name: 'demo',
    nodes: ['node1', 'node2'],
    lans: ['default', 'private'],
    clients: ['client1'],
    clientLans: ['default'],
    privateDirs: ['/var/lib/mirror-demo/'],
    runRoot: '/run/keel-lab',
  });

  it('names namespaces kl-<lab>-<host> and the switch kl-<lab>-sw', () => {
    expect(plan.switchNetns).toBe('kl-demo-sw');
    expect(plan.hosts.map((h) => h.netns)).toEqual(['kl-demo-node1', 'kl-demo-node2', 'kl-demo-client1']);
    expect(plan.lans.map((l) => l.bridge)).toEqual(['br-default', 'br-private']);
  });

  it('uses 198.18.<lan>.<k> for node k and .100+j for client j', () => {
    const node2 = plan.hosts[1]!;
    expect(node2.interfaces).toEqual([
      { lan: 'default', ifname: 'eth0', address: '198.18.0.2', prefixLength: 24, switchPort: 'node2-0' },
      { lan: 'private', ifname: 'eth1', address: '198.18.1.2', prefixLength: 24, switchPort: 'node2-1' },
    ]);
    const client = plan.hosts[2]!;
    expect(client.interfaces.map((i) => [i.ifname, i.address])).toEqual([['eth0', '198.18.0.101']]);
    expect(plan.lans.map((l) => l.subnet)).toEqual(['198.18.0.0/24', '198.18.1.0/24']);
  });

  it('with ipv6, adds 2001:2:0:<lan>::<host> (RFC 5180), and none without', () => {
    const six = planLab({
      name: 'six',
      nodes: ['node1'],
      lans: ['default', 'private'],
      clients: ['client1'],
      ipv6: true,
    });
    expect(six.ipv6).toBe(true);
    expect(six.hosts.flatMap((h) => h.interfaces.map((i) => i.address6))).toEqual([
      '2001:2:0:0::1',
      '2001:2:0:1::1',
      '2001:2:0:0::65',
      '2001:2:0:1::65',
    ]);
    expect(plan.ipv6).toBeUndefined();
    expect(plan.hosts.flatMap((h) => h.interfaces.map((i) => i.address6))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('keeps interface names within 15 characters', () => {
    const long = planLab({ name: 'abcdefghijklmnop', nodes: ['abcdefghijkl'], lans: ['abcdefghijkl'] });
    const names = [
      ...long.lans.map((l) => l.bridge),
      ...long.hosts.flatMap((h) => h.interfaces.map((i) => i.switchPort)),
    ];
    for (const n of names) expect(n.length).toBeLessThanOrEqual(15);
  });

  it('backs the private directories with per-host directories in the state dir', () => {
    expect(plan.hosts[0]!.privateDirs).toEqual([
      { path: '/etc/keel', source: '/run/keel-lab/demo/hosts/node1/fs/etc/keel' },
      { path: '/var/lib/keel', source: '/run/keel-lab/demo/hosts/node1/fs/var/lib/keel' },
      { path: '/var/lib/mirror-demo', source: '/run/keel-lab/demo/hosts/node1/fs/var/lib/mirror-demo' },
    ]);
    expect(plan.hosts[0]!.mntFile).toBe('/run/keel-lab/demo/ns/node1.mnt');
  });

  it.each([
    [{ name: 'a-b', nodes: ['n1'] }, /invalid lab name/],
    [{ name: 'ok', nodes: [] }, /at least one node/],
    [{ name: 'ok', nodes: ['sw'] }, /invalid host name/],
    [{ name: 'ok', nodes: ['n1', 'n1'] }, /duplicate host/],
    [{ name: 'ok', nodes: ['n1'], lans: ['Default'] }, /invalid LAN name/],
    [{ name: 'ok', nodes: ['n1'], clients: ['c1'], clientLans: ['other'] }, /unknown LAN/],
    [{ name: 'ok', nodes: ['n1'], privateDirs: ['relative'] }, /invalid private directory/],
    [{ name: 'ok', nodes: ['n1'], privateDirs: ['/proc/x'] }, /invalid private directory/],
  ])('rejects %j', (spec, message) => {
    expect(() => planLab(spec)).toThrow(LabSpecError);
    expect(() => planLab(spec)).toThrow(message);
  });
});
