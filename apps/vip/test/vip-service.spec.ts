// The vip service (its Nest module, on the bus transport) with the address twin, the in-memory
// bus and a fake clock: how vip.cmd is answered, what reaches the kernel (the twin), the resources
// and log lines it publishes, and how it reconciles at its start.
import { rpcs, subjects } from '@keel/bus';
import { AddressError } from '../src/ports/address.port';
import { AddressTwin } from './support/address-twin';
import { vipAddress, vipModule, vipPlan } from './support/plans';
import { build } from './support/vip-harness';

describe('vip service', () => {
  test('set places the VIP on the interface of its network, announces it three times and says ip and intf are up', async () => {
    const { ask, twin, clock, resources } = await build();
    const reply = await ask('set');
    expect(reply).toEqual({ ok: true, addresses: [{ addr: '198.18.0.10', prefix: 24, ifname: 'eth0' }] });
    expect(twin.keelAddresses()).toEqual(['eth0 198.18.0.10/24']);
    await clock.advance(1_000);
    expect(twin.announced).toEqual(['eth0 198.18.0.10', 'eth0 198.18.0.10', 'eth0 198.18.0.10']);
    expect(resources).toEqual(
      expect.arrayContaining(['intf.198.18.0.0=up by intfcheck', 'ip.198.18.0.10=up by ipcheck']),
    );
  });

  test('arpreroute announces again every arpinterval for arpelapse', async () => {
    const plan = vipPlan([
      vipModule('web', [vipAddress('198.18.0.10', { reroute: { intervalMs: 60_000, elapseMs: 180_000 } })]),
    ]);
    const { ask, twin, clock } = await build(plan);
    await ask('set');
    await clock.advance(600_000);
    expect(twin.announced).toHaveLength(3 + 3);
  });

  test('connections="on" counts the established connections of the VIP every 10 s while it is placed', async () => {
    const plan = vipPlan([vipModule('web', [vipAddress('198.18.0.10', { connections: true })])]);
    const { ask, twin, clock, resources } = await build(plan);
    twin.connections.set('198.18.0.10', 3);
    await ask('set');
    await clock.advance(0);
    twin.connections.set('198.18.0.10', 5);
    await clock.advance(10_000);
    expect(resources.filter((r) => r.startsWith('connections.'))).toEqual([
      'connections.198.18.0.10=3 by vip',
      'connections.198.18.0.10=5 by vip',
    ]);
    // Gone with the VIP: 0, and no count after.
    await ask('remove');
    await clock.advance(30_000);
    expect(resources.filter((r) => r.startsWith('connections.'))).toEqual([
      'connections.198.18.0.10=3 by vip',
      'connections.198.18.0.10=5 by vip',
      'connections.198.18.0.10=0 by vip',
    ]);
  });

  test('remove resets the VIP connections, withdraws it and stops announcing', async () => {
    const { ask, twin, clock } = await build();
    await ask('set');
    const reply = await ask('remove');
    expect(reply).toEqual({ ok: true, addresses: [{ addr: '198.18.0.10', prefix: 24, ifname: 'eth0' }] });
    expect(twin.resets).toEqual(['198.18.0.10']);
    expect(twin.keelAddresses()).toEqual([]);
    await clock.advance(5_000);
    expect(twin.announced).toHaveLength(1);
  });

  test('a VIP another host answers for is not placed; what the request placed is withdrawn; ip goes down', async () => {
    const plan = vipPlan([vipModule('web', [vipAddress('198.18.0.10'), vipAddress('198.18.1.10')])]);
    const twin = new AddressTwin();
    twin.lan.set('198.18.1.10', '02:00:00:00:00:99');
    const { ask, resources } = await build(plan, twin);
    const reply = await ask('set');
    expect(reply).toEqual({
      ok: false,
      message:
        'Virtual IP 198.18.1.10 could not be set: host 02:00:00:00:00:99 answers for it on the LAN of eth1',
      addresses: [],
    });
    expect(twin.keelAddresses()).toEqual([]);
    expect(resources).toContain('ip.198.18.1.10=down by ipcheck');
  });

  test('the kernel refusing an address is the reply, word for word', async () => {
    const twin = new AddressTwin();
    twin.failing.set(
      '198.18.0.10',
      new AddressError('PERMISSION', 'adding 198.18.0.10/24 to eth0: Operation not permitted'),
    );
    const { ask } = await build(vipPlan(), twin);
    expect(await ask('set')).toMatchObject({
      ok: false,
      message:
        'Virtual IP 198.18.0.10 could not be set: adding 198.18.0.10/24 to eth0: Operation not permitted',
    });
  });

  test('an address the administrator put on the node is refused, and left alone', async () => {
    const twin = new AddressTwin([
      { ifname: 'eth0', addr: '198.18.0.1', prefix: 24 },
      { ifname: 'eth0', addr: '198.18.0.10', prefix: 24 },
    ]);
    const { ask } = await build(vipPlan(), twin);
    expect((await ask('set')).message).toBe(
      'Virtual IP 198.18.0.10 could not be set: it is on interface eth0 of this node already, not placed by keel',
    );
    await ask('remove');
    expect(twin.addresses.map((a) => a.addr)).toEqual(['198.18.0.1', '198.18.0.10']);
  });

  test('no interface in the VIP network, or a named interface that does not exist, is said', async () => {
    const plan = vipPlan([
      vipModule('web', [vipAddress('203.0.113.10')]),
      vipModule('db', [vipAddress('198.18.0.11', { ifname: 'bond0', prefix: 24 })]),
    ]);
    const { ask } = await build(plan);
    expect((await ask('set')).message).toBe(
      'Virtual IP 203.0.113.10 could not be set: no interface of this node has an address in the network of virtual IP 203.0.113.10; name one with <interface name>',
    );
    expect((await ask('set', 'db')).message).toBe(
      'Virtual IP 198.18.0.11 could not be set: interface bond0 does not exist',
    );
  });

  test('at its start it adopts what keel placed for its modules and withdraws what no module claims', async () => {
    const twin = new AddressTwin();
    twin.addresses.push(
      { ifname: 'eth0', addr: '198.18.0.10', prefix: 24, keel: true },
      { ifname: 'eth0', addr: '198.18.0.77', prefix: 24, keel: true },
    );
    const { ask } = await build(vipPlan(), twin);
    expect(twin.keelAddresses()).toEqual(['eth0 198.18.0.10/24']);
    expect(await ask('set')).toMatchObject({ ok: true });
    // Adopted, not placed twice.
    expect(twin.keelAddresses()).toEqual(['eth0 198.18.0.10/24']);
  });

  test('a link that loses its carrier loses its VIPs at once, and gets them back with it', async () => {
    const { ask, twin, clock, resources, logs } = await build();
    await ask('set');
    twin.links.set('eth0', false);
    await clock.advance(100);
    expect(twin.keelAddresses()).toEqual([]);
    expect(resources).toContain('intf.198.18.0.0=down by intfcheck');
    expect(logs).toContain('E Virtual IP 198.18.0.10 withdrawn: interface eth0 has no carrier');
    twin.links.set('eth0', true);
    // Three unanswered probes, 500 ms apart: a link coming up may drop frames for a while.
    await clock.advance(600);
    expect(twin.keelAddresses()).toEqual([]);
    await clock.advance(600);
    expect(twin.keelAddresses()).toEqual(['eth0 198.18.0.10/24']);
    expect(logs).toContain('I Virtual IP 198.18.0.10 set again: interface eth0 has its carrier back');
  });

  test('a VIP withdrawn from a dead link waits while another host holds it, then comes back', async () => {
    const { ask, twin, clock } = await build();
    await ask('set');
    twin.links.set('eth0', false);
    await clock.advance(100);
    twin.lan.set('198.18.0.10', '02:00:00:00:00:02');
    twin.links.set('eth0', true);
    await clock.advance(2_000);
    expect(twin.keelAddresses()).toEqual([]);
    twin.lan.delete('198.18.0.10');
    await clock.advance(1_500);
    expect(twin.keelAddresses()).toEqual(['eth0 198.18.0.10/24']);
  });

  test('a VIP removed from outside keel sets ip down within a second, and is not put back by keel', async () => {
    const { ask, twin, clock, resources, logs } = await build();
    await ask('set');
    twin.addresses.splice(
      twin.addresses.findIndex((a) => a.addr === '198.18.0.10'),
      1,
    );
    await clock.advance(1_000);
    expect(resources).toContain('ip.198.18.0.10=down by ipcheck');
    expect(logs).toContain('E Virtual IP 198.18.0.10 disappeared from interface eth0');
    // A carrier flap does not bring it back: the rules decide.
    twin.links.set('eth0', false);
    await clock.advance(200);
    twin.links.set('eth0', true);
    await clock.advance(3_000);
    expect(twin.keelAddresses()).toEqual([]);
  });

  test('a link without carrier gets no VIP: the probe would hear nobody, whoever holds it', async () => {
    const twin = new AddressTwin();
    twin.links.set('eth0', false);
    const { ask } = await build(vipPlan(), twin);
    expect((await ask('set')).message).toBe(
      'Virtual IP 198.18.0.10 could not be set: interface eth0 has no carrier',
    );
    expect(twin.keelAddresses()).toEqual([]);
  });

  test('an address that cannot be withdrawn stays held, and the answer says so', async () => {
    const { ask, twin } = await build();
    await ask('set');
    twin.remove = async () => {
      throw new AddressError('IO', 'netlink: Device or resource busy');
    };
    expect(await ask('remove')).toEqual({
      ok: false,
      message: 'Virtual IP 198.18.0.10 on eth0 could not be removed',
      addresses: [],
    });
  });

  test('the connections are reset once the address is gone, so no new one arrives in between', async () => {
    const { ask, twin } = await build();
    await ask('set');
    const seen: string[] = [];
    twin.resetFrom = async (addr) => {
      seen.push(`${addr} still placed: ${twin.keelAddresses().length > 0}`);
    };
    await ask('remove');
    expect(seen).toEqual(['198.18.0.10 still placed: false']);
  });

  test('admin reading other addresses than the service refuses the placement', async () => {
    const { admin, twin } = await build();
    const reply = await admin.request(
      subjects.vipCmd('web'),
      rpcs.vipCommand,
      { module: 'web', op: 'set', addresses: ['198.18.0.99'] },
      { timeoutMs: 2_000 },
    );
    expect(reply).toEqual({
      ok: false,
      message:
        'Virtual IPs not set: admin reads 198.18.0.99 in the configuration of web, the vip service 198.18.0.10; restart both after a configuration change',
      addresses: [],
    });
    expect(twin.keelAddresses()).toEqual([]);
  });

  test('with a module configuration it cannot read, it withdraws nothing at its start', async () => {
    const twin = new AddressTwin();
    twin.addresses.push({ ifname: 'eth0', addr: '198.18.0.77', prefix: 24, keel: true });
    await build(vipPlan([vipModule()], ['broken']), twin);
    expect(twin.keelAddresses()).toEqual(['eth0 198.18.0.77/24']);
  });

  test('a module without VIP here, a refused one, and a request on another module subject are errors', async () => {
    const { ask } = await build();
    await expect(ask('set', 'db')).rejects.toMatchObject({
      code: 'NO_VIP',
      remoteMessage: 'module db has no virtual IP on this node (modules with one: web)',
    });
    await expect(ask('set', 'farm1')).rejects.toMatchObject({ code: 'NO_VIP' });
    await expect(ask('set', 'web', 'db')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
