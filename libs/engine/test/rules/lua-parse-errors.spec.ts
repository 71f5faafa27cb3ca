// Everything outside the Lua subset is refused by name, with the list of what keel reads.
import { LUA_SUBSET, RuleParseError, parseLuaRules } from '../../src';

function messageOf(text: string): string {
  try {
    parseLuaRules(text);
  } catch (e) {
    if (e instanceof RuleParseError) return e.message;
    throw e;
  }
  throw new Error('parsed without error');
}

const unsupported = (at: string, token: string): string =>
  `${at}: unsupported Lua at '${token}': keel reads only ${LUA_SUBSET}`;
const ENTRY = 'Rules = Rules + { a=if_then("tcp.a","down",Action.stop) }';

describe('parseLuaRules refuses', () => {
  it.each([
    ['a local variable', '--Lua Rules\nlocal x = 1', unsupported('line 2, column 1', 'local')],
    ['replacing the rule table', '--Lua Rules\nRules = {}', unsupported('line 2, column 9', '{')],
    [
      'another Rules function',
      '--Lua Rules\nRules.enable("ip_failure")',
      unsupported('line 2, column 7', 'enable'),
    ],
    ['subtracting rules', '--Lua Rules\nRules = Rules - { }', unsupported('line 2, column 15', '-')],
    ['any other call', '--Lua Rules\n' + ENTRY + '\nprint("x")', unsupported('line 3, column 1', 'print')],
    [
      'another rule function',
      '--Lua Rules\nRules = Rules + { a=if_else("tcp.a","down",Action.stop) }',
      `line 2, column 21: expected if_then("resource","state",Action.act) but found 'if_else'`,
    ],
    [
      'an unknown state',
      '--Lua Rules\nRules = Rules + { a=if_then("tcp.a","DOWN",Action.stop) }',
      `line 2, column 37: expected a string holding a state ("init", "down", "up", "unknown") but found '"DOWN"'`,
    ],
    [
      'an unknown action',
      '--Lua Rules\nRules = Rules + { a=if_then("tcp.a","down",Action.reboot) }',
      `line 2, column 51: expected an action (Action.stop, Action.stopstart, Action.wait, Action.restart, Action.swap) but found 'reboot'`,
    ],
    [
      'a resource without id',
      '--Lua Rules\nRules = Rules + { a=if_then("tcp","down",Action.stop) }',
      `line 2, column 29: expected a string holding a resource ([local.|remote.]class.id) but found '"tcp"'`,
    ],
    [
      'a missing separator',
      '--Lua Rules\nRules = Rules + { a=if_then("tcp.a","down",Action.stop) b=1 }',
      `line 2, column 57: expected ',' or '}' but found 'b'`,
    ],
    [
      'a bad bracketed label',
      '--Lua Rules\nRules = Rules + { ["*x"]=if_then("tcp.a","down",Action.stop) }',
      `line 2, column 20: expected a rule label but found '"*x"'`,
    ],
    [
      'an empty label to disable',
      '--Lua Rules\nRules.disable("")',
      `line 2, column 15: expected a string holding a rule label but found '""'`,
    ],
    [
      'an unterminated string',
      '--Lua Rules\nRules.disable("ip_failure)\n',
      `line 2, column 15: unterminated string: no closing " on this line`,
    ],
    [
      'an unterminated long comment',
      '--Lua Rules\n--[[ forever\nRules.disable("x")',
      `line 2, column 1: unterminated comment: no ']]' before the end of the section`,
    ],
  ])('%s', (_name, text, message) => {
    expect(messageOf(text)).toBe(message);
  });
});
