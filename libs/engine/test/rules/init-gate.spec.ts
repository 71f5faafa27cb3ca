// The start-up gate: local resources of wait rules still `init` keep the module in WAIT (Transient).
import { composeRules, pendingInit } from '../../src';

const RULES = composeRules([
  {
    source: [
      'module_failure: if (module.? == down) then wait();',
      'splitbrain_failure: if (splitbrain.uptodate == down) then wait();',
      't_ext: if (tcp.ext == down) then wait();',
      'r_peer: if (remote.custom.p == down) then wait();',
      't_app: if (tcp.app == down) then restart();',
    ].join('\n'),
  },
]).rules;

describe('pendingInit', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['a pre checker that has not answered', { 'tcp.ext': 'init' }, ['tcp.ext']],
    ['a pre checker that answered', { 'tcp.ext': 'up' }, []],
    ['a down answer opens the gate too (the wait rule takes over)', { 'tcp.ext': 'down' }, []],
    [
      'every init resource of a wildcard class, sorted',
      { 'module.b_1': 'init', 'module.a_2': 'init', 'module.c': 'up' },
      ['module.a_2', 'module.b_1'],
    ],
    ['not a resource nobody declared (splitbrain.uptodate without a splitbrain checker)', {}, []],
    ['not a resource of a non-wait rule', { 'tcp.app': 'init' }, []],
    ['not a remote resource', { 'custom.p': 'init' }, []],
  ])('%s', (_name, local, expected) => {
    expect(pendingInit(RULES, local)).toEqual(expected);
  });
});
