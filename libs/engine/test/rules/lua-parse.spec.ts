// The Lua subset: each row is a `--Lua Rules` section, the rules it adds (printed in the legacy
// language) and the labels it disables.
import { parseLuaRules, printRules } from '../../src';

describe('parseLuaRules reads', () => {
  it.each([
    ['the reference disable example', '--Lua Rules\nRules.disable("ip_failure")\n', '', ['ip_failure']],
    [
      'one added rule with its group',
      '--Lua Rules\nRules = Rules + { c_x=if_then("custom.x","down",Action.restart), _group="checker" }',
      'c_x: if (custom.x == down) then restart();',
      [],
    ],
    [
      'several entries, ; and , separators, a trailing separator, the group first',
      `--Lua Rules
Rules = Rules + {
  _group="checker";
  a=if_then("tcp.a","down",Action.stop),
  b=if_then("ip.*","down",Action.stopstart);
};
Rules.disable("ip_failure"); Rules.disable('module_failure')`,
      'a: if (tcp.a == down) then stop();\nb: if (ip.* == down) then stopstart();',
      ['ip_failure', 'module_failure'],
    ],
    [
      'a bracketed label with dots and a remote resource',
      `--Lua Rules\nRules = Rules + { ["c_my.check-1"]=if_then('remote.custom.my.check-1','unknown',Action.wait), _group="x" }`,
      'c_my.check-1: if (remote.custom.my.check-1 == unknown) then wait();',
      [],
    ],
    [
      'line and long comments',
      `--Lua Rules
-- disable the default VIP rule
--[[ a long
comment ]] Rules.disable("ip_failure") -- trailing`,
      '',
      ['ip_failure'],
    ],
    ['a section with only the marker', '--Lua Rules\n', '', []],
    ['escaped quotes in a string', `--Lua Rules\nRules.disable("a\\"b")`, '', ['a"b']],
  ])('%s', (_name, text, printed, disabled) => {
    const parsed = parseLuaRules(text);
    expect(printRules(parsed.rules)).toBe(printed);
    expect(parsed.disables.map((d) => d.label)).toEqual(disabled);
  });

  it('places each rule and disable where its label is written', () => {
    const parsed = parseLuaRules(
      '--Lua Rules\nRules = Rules + {\n  ["c.x"]=if_then("custom.x","down",Action.restart) }\nRules.disable("ip_failure")',
      'lua',
    );
    expect(parsed.rules[0]!.origin).toEqual({ section: 'lua', line: 3, column: 4 });
    expect(parsed.disables[0]!.origin).toEqual({ section: 'lua', line: 4, column: 15 });
  });
});
