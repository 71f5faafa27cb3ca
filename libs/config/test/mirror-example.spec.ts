import { builtinRules } from '../src';
import { loadValid } from './valid';

// reference ops §15.1 mirror.safe with the dedicated replication network variant.
describe('mirror.safe', () => {
  const { config: m, warnings } = loadValid('mirror', 'cluster-2lans.xml');

  it('applies the service defaults the reference lists', () => {
    expect(m.mode).toBe('mirror');
    expect(m.service).toMatchObject({
      boot: 'on',
      bootDelay: 0,
      failover: true,
      defaultprim: 'alone',
      maxloop: 3,
      loopInterval: 24,
      automaticReboot: false,
    });
  });

  it('names heartbeat resources after ident, defaulting to the LAN name, with inherited timings', () => {
    expect(m.heart!.heartbeats.map((h) => [h.name, h.ident, h.pulse, h.timeout])).toEqual([
      ['default', 'default', 700, 30000],
      ['private', 'flow', 700, 30000],
    ]);
    expect(m.heart!.port).toBeUndefined();
    expect(m.heart!.permanentArp).toBe(true);
  });

  it('reads the VIP aliased on one side with its checks on', () => {
    const [iface] = m.vip!.interfaces;
    expect(iface.check).toBe(true);
    expect(iface.arpinterval).toBe(60);
    expect(iface.arpelapse).toBe(1200);
    expect(iface.addresses).toEqual([
      expect.objectContaining({
        addr: '10.1.0.126',
        where: 'one_side_alias',
        check: true,
        connections: false,
      }),
    ]);
    expect(m.vip!.tcpreset).toBe(true);
  });

  it('applies the rfs defaults (keel zones a page: docs/decisions/0009)', () => {
    expect(m.rfs).toMatchObject({
      async: 'second',
      nbrei: 6,
      reipacketsize: 8388608,
      ruzoneBlocksize: 4096,
      namespacepolicy: 4,
      locktimeout: 100,
      sendtimeout: 30,
      reitimeout: 150,
      checktime: 220000,
      checkintv: 120,
      syncdelta: 0,
      mountoversuffix: '_For_SafeKit_Replication',
    });
    expect(m.rfs!.replicated.map((r) => r.dir)).toEqual(['/var/repdir']);
  });

  it('expands the SERVICES macro into the script variable', () => {
    expect(m.user!.vars).toEqual([
      expect.objectContaining({ name: 'SERVICES', value: 'service1, service2' }),
    ]);
    expect(m.user).toMatchObject({
      nicestoptimeout: 300,
      forcestoptimeout: 300,
      logging: 'userlog',
      userlogsize: 2048,
    });
  });

  it('starts with the default rules and its replication rule only, and the default failover timings', () => {
    expect(builtinRules(m).map((r) => r.label)).toEqual([
      'module_failure',
      'interface_failure',
      'ip_failure',
      'splitbrain_failure',
      'degraded_server',
    ]);
    expect(m.failover).toMatchObject({ extends: true, period: 5000, handleTime: 15000, sections: [] });
    expect(warnings).toEqual([]);
  });
});
