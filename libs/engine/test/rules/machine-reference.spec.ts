// Reference acceptance behaviours (§8.4) that rest on the rule set: built-in texts + user sections.
import { RuleSource } from '../../src';
import { run, ticks } from './timeline';

const DEFAULTS: RuleSource = {
  name: 'built-in rules',
  source: [
    'module_failure: if (module.? == down) then wait();',
    'interface_failure: if (intf.? == down) then wait();',
    'ip_failure: if (ip.? == down) then stopstart();',
    'splitbrain_failure: if (splitbrain.uptodate == down) then wait();',
  ].join('\n'),
};
const VIPS = { 'ip.10.0.0.1': 'up', 'ip.10.0.0.2': 'up' };

describe('reference behaviours', () => {
  it.each<[string, RuleSource[], Record<string, string>, Record<string, string>, string[]]>([
    [
      '#50 ip_failure: a VIP removed causes stopstart',
      [DEFAULTS],
      VIPS,
      { 'ip.10.0.0.1': 'down' },
      ['20000 stopstart(ip_failure)'],
    ],
    [
      '#49 interface_failure: a cable unplugged causes wait',
      [DEFAULTS],
      { 'intf.10.0.0.0': 'up' },
      { 'intf.10.0.0.0': 'down' },
      ['20000 wait(interface_failure)'],
    ],
    [
      '#54 module_failure: the watched module stopped causes wait',
      [DEFAULTS],
      { 'module.other_10.0.0.9': 'up' },
      { 'module.other_10.0.0.9': 'down' },
      ['20000 wait(module_failure)'],
    ],
    [
      'splitbrain_failure: the isolated node without witness waits',
      [DEFAULTS],
      { 'splitbrain.uptodate': 'up' },
      { 'splitbrain.uptodate': 'down' },
      ['20000 wait(splitbrain_failure)'],
    ],
    [
      '#56 extends="no": the default rules are not in the set',
      [{ source: 'mine: if (tcp.x == down) then stop();' }],
      VIPS,
      { 'ip.10.0.0.1': 'down' },
      [],
    ],
    [
      '#57 Lua disable + allip_failure: one VIP lost, no action',
      [
        DEFAULTS,
        { source: '--Lua Rules\nRules.disable("ip_failure")' },
        { source: 'allip_failure: if (ip.* == down) then stopstart();' },
      ],
      VIPS,
      { 'ip.10.0.0.1': 'down' },
      [],
    ],
    [
      '#57 Lua disable + allip_failure: both VIPs lost, stopstart',
      [
        DEFAULTS,
        { source: '--Lua Rules\nRules.disable("ip_failure")' },
        { source: 'allip_failure: if (ip.* == down) then stopstart();' },
      ],
      VIPS,
      { 'ip.10.0.0.1': 'down', 'ip.10.0.0.2': 'down' },
      ['20000 stopstart(allip_failure)'],
    ],
  ])('%s', (_name, rules, before, after, expected) => {
    expect(
      run({ rules, ticks: [...ticks(0, 0, { local: before }), ...ticks(5000, 60000, { local: after })] })
        .lines,
    ).toEqual(expected);
  });
});
