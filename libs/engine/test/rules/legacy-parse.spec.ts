// The legacy language: each row is a section and the canonical text it prints back as.
import { parseLegacyRules, printRules } from '../../src';

describe('parseLegacyRules reads', () => {
  it.each([
    [
      'a generated tcp rule',
      't_R1test: if (tcp.R1test == down) then restart();',
      't_R1test: if (tcp.R1test == down) then restart();',
    ],
    [
      'the existential module rule',
      'module_failure: if (module.? == down) then wait();',
      'module_failure: if (module.? == down) then wait();',
    ],
    [
      'the ip rule',
      'ip_failure: if (ip.? == down) then stopstart();',
      'ip_failure: if (ip.? == down) then stopstart();',
    ],
    [
      'the splitbrain rule',
      'splitbrain_failure: if (splitbrain.uptodate == down) then wait();',
      'splitbrain_failure: if (splitbrain.uptodate == down) then wait();',
    ],
    [
      'cluster() and the assignment action',
      'rfs_forceuptodate: if (heartbeat.* == down && cluster() == down && rfs.synced == up && rfs.uptodate == down) then rfs.uptodate=up;',
      'rfs_forceuptodate: if (heartbeat.* == down && cluster() == down && rfs.synced == up && rfs.uptodate == down) then rfs.uptodate=up;',
    ],
    [
      'comments anywhere',
      '/* default */ a: if /* why */ (tcp.a == down) then /* x\n y */ stop(); /**/',
      'a: if (tcp.a == down) then stop();',
    ],
    [
      'ids and labels with dots, digits and dashes',
      'c_my.check-1: if (module.mirror_10.0.0.129 == down || ip.10.0.0.129 == down) then stopstart();',
      'c_my.check-1: if (module.mirror_10.0.0.129 == down || ip.10.0.0.129 == down) then stopstart();',
    ],
    [
      'the remote prefix on a remote-state resource',
      'r: if (remote.state.remote == unknown) then wait();',
      'r: if (remote.state.remote == unknown) then wait();',
    ],
    [
      'an explicit local prefix (printed implicit)',
      'l: if (local.tcp.a != up) then swap();',
      'l: if (tcp.a != up) then swap();',
    ],
    [
      '&& binding tighter than ||',
      'p: if (tcp.a == down || tcp.b == down && tcp.c == up) then stop();',
      'p: if (tcp.a == down || tcp.b == down && tcp.c == up) then stop();',
    ],
    [
      'parentheses that matter',
      'p: if ((tcp.a == down || tcp.b == down) && tcp.c == up) then stop();',
      'p: if ((tcp.a == down || tcp.b == down) && tcp.c == up) then stop();',
    ],
    [
      'parentheses that do not',
      'p: if (((tcp.a == down)) && (tcp.b == up)) then stop();',
      'p: if (tcp.a == down && tcp.b == up) then stop();',
    ],
    [
      '! on a comparison',
      'n: if (!tcp.a == up && tcp.b == down) then restart();',
      'n: if (!(tcp.a == up) && tcp.b == down) then restart();',
    ],
    ['double negation', 'n: if (!!(tcp.a == up)) then restart();', 'n: if (!!(tcp.a == up)) then restart();'],
    [
      'a state on the left',
      's: if (down == custom.c) then restart();',
      's: if (down == custom.c) then restart();',
    ],
    ['no spaces at all', 'a:if(tcp.a==down)then swap();', 'a: if (tcp.a == down) then swap();'],
    [
      'a right-nested || kept',
      'o: if (tcp.a == down || (tcp.b == down || tcp.c == down)) then stop();',
      'o: if (tcp.a == down || (tcp.b == down || tcp.c == down)) then stop();',
    ],
  ])('%s', (_name, text, printed) => {
    expect(printRules(parseLegacyRules(text))).toBe(printed);
  });

  it('several rules per section, one per ;, with their positions', () => {
    const rules = parseLegacyRules(
      '/* built-in */\nmodule_failure: if (module.? == down) then wait();\n  ip_failure: if (ip.? == down) then stopstart();',
      'defaults',
    );
    expect(rules.map((r) => [r.label, r.origin])).toEqual([
      ['module_failure', { section: 'defaults', line: 2, column: 1 }],
      ['ip_failure', { section: 'defaults', line: 3, column: 3 }],
    ]);
  });

  it('remote.state.remote: scope remote, class state, id remote', () => {
    const [rule] = parseLegacyRules('r: if (remote.state.remote == unknown) then wait();');
    expect(rule!.condition).toEqual({
      kind: 'compare',
      op: '==',
      left: { kind: 'resource', scope: 'remote', cls: 'state', id: 'remote' },
      right: { kind: 'state', state: 'unknown' },
    });
  });

  it('an empty section or one holding only comments has no rules', () => {
    expect(parseLegacyRules('  \n /* nothing */ \n')).toEqual([]);
  });
});
