// Composing a module's rule set: built-in texts, then the <failover> sections, then disables.
import { RuleParseError, RuleSource, composeRules } from '../../src';

const BUILTIN: RuleSource = {
  name: 'built-in rules',
  language: 'legacy',
  source: [
    'module_failure: if (module.? == down) then wait();',
    'interface_failure: if (intf.? == down) then wait();',
    'ip_failure: if (ip.? == down) then stopstart();',
    'splitbrain_failure: if (splitbrain.uptodate == down) then wait();',
    't_R1test: if (tcp.R1test == down) then restart();',
  ].join('\n'),
};
const HEART: RuleSource = {
  name: 'heart',
  language: 'legacy',
  locked: true,
  source: 'heart_rule: if (state.remote == unknown) then wait();',
};

const labels = (sources: readonly RuleSource[]): string[] => composeRules(sources).rules.map((r) => r.label);

function messageOf(sources: readonly RuleSource[]): string {
  try {
    composeRules(sources);
  } catch (e) {
    if (e instanceof RuleParseError) return e.message;
    throw e;
  }
  throw new Error('composed without error');
}

describe('composeRules', () => {
  it.each<[string, RuleSource[], string[]]>([
    [
      'keeps sources in order and rules in text order',
      [BUILTIN, { source: 'u1: if (custom.c == down) then stop();' }],
      ['module_failure', 'interface_failure', 'ip_failure', 'splitbrain_failure', 't_R1test', 'u1'],
    ],
    [
      'applies the reference Lua example (disable ip_failure, add allip_failure)',
      [
        BUILTIN,
        { source: '--Lua Rules\nRules.disable("ip_failure")' },
        { source: 'allip_failure: if (ip.* == down) then stopstart();' },
      ],
      ['module_failure', 'interface_failure', 'splitbrain_failure', 't_R1test', 'allip_failure'],
    ],
    [
      'applies a disable whatever the order of the sections',
      [
        { source: '--Lua Rules\nRules.disable("late")' },
        { source: 'late: if (tcp.a == down) then stop();\nkept: if (tcp.b == down) then stop();' },
      ],
      ['kept'],
    ],
    [
      'leaves the defaults out when the caller does (extends="no")',
      [{ source: 't_R1test: if (tcp.R1test == down) then restart();\nmine: if (ip.* == down) then stop();' }],
      ['t_R1test', 'mine'],
    ],
    [
      'adds Lua rules where their section is',
      [
        BUILTIN,
        {
          source:
            '--Lua Rules\nRules = Rules + { c_x=if_then("custom.x","down",Action.stop), _group="checker" }',
          language: 'lua',
        },
      ],
      ['module_failure', 'interface_failure', 'ip_failure', 'splitbrain_failure', 't_R1test', 'c_x'],
    ],
  ])('%s', (_name, sources, expected) => {
    expect(labels(sources)).toEqual(expected);
  });

  it('reports disabled labels', () => {
    expect(
      composeRules([
        BUILTIN,
        { source: '--Lua Rules\nRules.disable("ip_failure")\nRules.disable("ip_failure")' },
      ]).disabled,
    ).toEqual(['ip_failure']);
  });

  it.each<[string, RuleSource[], string]>([
    [
      'a user rule reusing a built-in label, naming both places',
      [BUILTIN, { name: 'failover section 1', source: '\n  ip_failure: if (ip.* == down) then stop();' }],
      `line 2, column 3: duplicate label 'ip_failure': defined in 'failover section 1' at line 2, column 3 and in 'built-in rules' at line 3, column 1`,
    ],
    [
      'a duplicate inside one section (default section names)',
      [
        { source: 'a: if (tcp.a == down) then stop();' },
        { source: 'b: if (tcp.a == down) then stop(); b: if (tcp.b == down) then stop();' },
      ],
      `line 1, column 36: duplicate label 'b': defined in 'section 2' at line 1, column 36 and in 'section 2' at line 1, column 1`,
    ],
    [
      'a duplicate between Lua and legacy',
      [
        { source: 'c_x: if (tcp.a == down) then stop();' },
        { source: '--Lua Rules\nRules = Rules + { c_x=if_then("custom.x","down",Action.stop) }' },
      ],
      `line 2, column 19: duplicate label 'c_x': defined in 'section 2' at line 2, column 19 and in 'section 1' at line 1, column 1`,
    ],
    [
      'redefining a disabled label (a label stands for one text)',
      [
        BUILTIN,
        { source: '--Lua Rules\nRules.disable("ip_failure")' },
        { source: 'ip_failure: if (ip.* == down) then stopstart();' },
      ],
      `line 1, column 1: duplicate label 'ip_failure': defined in 'section 3' at line 1, column 1 and in 'built-in rules' at line 3, column 1`,
    ],
    [
      'disabling a rule that does not exist',
      [BUILTIN, { source: '--Lua Rules\nRules.disable("ip_faillure")' }],
      `line 2, column 15: expected the label of a defined rule but found 'ip_faillure'`,
    ],
    [
      'disabling a locked component rule',
      [HEART, { source: '--Lua Rules\nRules.disable("heart_rule")' }],
      `line 2, column 15: rule 'heart_rule' is built in ('heart' at line 1, column 1) and cannot be disabled`,
    ],
    [
      'a syntax error, with the section it is in',
      [BUILTIN, { name: 'user', source: 'x: if (tcp.a == down) then reboot();' }],
      `line 1, column 28: expected an action (stop, stopstart, wait, restart, swap) but found 'reboot'`,
    ],
  ])('refuses %s', (_name, sources, message) => {
    expect(messageOf(sources)).toBe(message);
  });
});
