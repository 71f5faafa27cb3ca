import { builtinRules } from '../src';
import { loadValid } from './valid';

// reference ops §15.5-15.9: checkers and the rules generated from them.
describe('checker examples', () => {
  it('customchecker.safe generates c_checkfile', () => {
    const { config: m } = loadValid('customchecker', 'cluster-2lans.xml');
    expect(m.check.custom[0]).toMatchObject({
      ident: 'checkfile',
      exec: 'checker.sh',
      arg: '/var/safekit/checkfile',
      when: 'prim',
      action: 'restart',
    });
    expect(builtinRules(m).at(-1)!.text).toBe('c_checkfile: if (custom.checkfile == down) then restart();');
  });

  it('the TCP checker generates t_Apache_80 with default probe times', () => {
    const { config: m } = loadValid('tcp-checker', 'cluster-3nodes.xml');
    expect(m.check.tcp[0]).toMatchObject({
      ident: 'Apache_80',
      when: 'both',
      action: 'restart',
      to: { addr: 'localhost', port: 80, interval: 10, timeout: 5 },
    });
    expect(builtinRules(m).at(-1)!.text).toBe('t_Apache_80: if (tcp.Apache_80 == down) then restart();');
  });

  it('the ping checker generates p_router (not t_, a guide erratum)', () => {
    const { config: m } = loadValid('ping-checker', 'cluster-2lans.xml');
    expect(m.check.ping[0]).toMatchObject({
      ident: 'router',
      when: 'pre',
      action: 'wait',
      to: { addr: '192.168.1.1' },
    });
    expect(builtinRules(m).at(-1)!.text).toBe('p_router: if (ping.router == down) then wait();');
  });

  it('the split-brain checker reads its witnesses and keeps splitbrain_failure', () => {
    const { config: m } = loadValid('splitbrain', 'cluster-2lans.xml');
    expect(m.check.splitbrain).toMatchObject({ ident: 'witness', witnesses: ['10.1.0.112'] });
    expect(builtinRules(m).find((r) => r.label === 'splitbrain_failure')!.text).toBe(
      'splitbrain_failure: if (splitbrain.uptodate == down) then wait();',
    );
  });

  it('the lease arbiter (keel, docs/decisions/0019) reads its ident and times, in milliseconds', () => {
    const { config: m } = loadValid('arbiter', 'cluster-arbiter.xml');
    expect(m.check.arbiter).toMatchObject({ kind: 'arbiter', ident: 'lease', ttl: 4_000, fence: 500 });
    expect(loadValid('splitbrain').config.check.arbiter).toBeUndefined();
  });

  it('a module checker without ident is named <name>_<addr>', () => {
    const { config: m } = loadValid('module-farm-on-mirror', 'cluster-3nodes.xml');
    expect(m.check.module[0]).toMatchObject({
      ident: 'mirror_10.0.0.129',
      name: 'mirror',
      to: { addr: '10.0.0.129', port: 9010, secure: false },
    });
  });

  it('the short module checker form watches the local web service', () => {
    const { config: m } = loadValid('module-follower');
    expect(m.mode).toBe('light');
    expect(m.check.module[0]).toMatchObject({
      ident: 'leader_127.0.0.1',
      to: { addr: '127.0.0.1', port: 9010, interval: 10, timeout: 5 },
    });
    // loop_interval="24" has no unit: hours, the attribute's implicit unit.
    expect(m.service.loopInterval).toBe(24);
  });

  it('the leader is a plain mirror module', () => {
    expect(loadValid('module-leader', 'cluster-2lans.xml').config.mode).toBe('mirror');
  });
});
