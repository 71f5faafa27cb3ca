// Every legacy syntax error names its line, column, what was expected and what was found.
import { RuleParseError, parseLegacyRules } from '../../src';

const OPERAND = 'a resource ([local.|remote.]class.id), a state (init, down, up, unknown) or cluster()';
const ACTIONS = 'an action (stop, stopstart, wait, restart, swap)';

function messageOf(text: string): string {
  try {
    parseLegacyRules(text);
  } catch (e) {
    if (e instanceof RuleParseError) return e.message;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('parseLegacyRules refuses', () => {
  it.each([
    [
      'an unknown action',
      'ok: if (tcp.a == down) then stop();\na: if (tcp.R1tst == down) then reboot();',
      `line 2, column 32: expected ${ACTIONS} but found 'reboot'`,
    ],
    ['a missing colon', 'a if (tcp.a == down) then stop();', `line 1, column 3: expected ':' but found 'if'`],
    ['a missing if', 'a: (tcp.a == down) then stop();', `line 1, column 4: expected 'if' but found '('`],
    [
      'a missing opening parenthesis',
      'a: if tcp.a == down then stop();',
      `line 1, column 7: expected '(' but found 'tcp.a'`,
    ],
    [
      'a missing closing parenthesis',
      'a: if (tcp.a == down then stop();',
      `line 1, column 22: expected '&&', '||' or ')' but found 'then'`,
    ],
    [
      'a missing then',
      'a: if (tcp.a == down) stop();',
      `line 1, column 23: expected 'then' but found 'stop'`,
    ],
    [
      'a missing semicolon at the end',
      'a: if (tcp.a == down) then stop()',
      `line 1, column 34: expected ';' but found end of section`,
    ],
    [
      'an action without ()',
      'a: if (tcp.a == down) then stop;',
      `line 1, column 32: expected '(' but found ';'`,
    ],
    [
      'an unknown state',
      'a: if (tcp.a == DOWN) then stop();',
      `line 1, column 17: expected ${OPERAND} but found 'DOWN'`,
    ],
    [
      'a single &',
      'a: if (tcp.a == down & tcp.b == down) then stop();',
      `line 1, column 22: expected '&&', '||' or ')' but found '&'`,
    ],
    [
      'a resource that is not compared',
      'a: if (tcp.a) then stop();',
      `line 1, column 13: expected '==' or '!=' but found ')'`,
    ],
    [
      'chained comparisons',
      'a: if (tcp.a == down == up) then stop();',
      `line 1, column 22: expected '&&', '||' or ')' but found '=='`,
    ],
    [
      'a wildcard inside an id',
      'a: if (tcp.a* == down) then stop();',
      `line 1, column 8: expected ${OPERAND} but found 'tcp.a*'`,
    ],
    [
      'a class without id',
      'a: if (tcp == down) then stop();',
      `line 1, column 8: expected ${OPERAND} but found 'tcp'`,
    ],
    [
      'cluster without parentheses',
      'a: if (cluster == down) then stop();',
      `line 1, column 8: expected ${OPERAND} but found 'cluster'`,
    ],
    [
      'a wildcard on both sides',
      'a: if (ip.* == ip.?) then stop();',
      `line 1, column 16: expected a state, cluster() or a resource without wildcard (only one side of a comparison may use * or ?) but found 'ip.?'`,
    ],
    [
      'an empty condition',
      'a: if () then stop();',
      `line 1, column 8: expected a condition ('!', '(' or a comparison) but found ')'`,
    ],
    [
      'a remote assignment',
      'a: if (tcp.a == down) then remote.rfs.uptodate=up;',
      `line 1, column 28: expected a local resource without wildcard to assign but found 'remote.rfs.uptodate'`,
    ],
    [
      'an assignment of a non-state',
      'a: if (tcp.a == down) then rfs.uptodate=yes;',
      `line 1, column 41: expected a state (init, down, up, unknown) but found 'yes'`,
    ],
    [
      'an unclosed comment',
      'a: if (tcp.a == down) then stop(); /* forgot',
      `line 1, column 36: unterminated comment: no '*/' before the end of the section`,
    ],
    [
      'a label with a wildcard',
      '*x: if (tcp.a == down) then stop();',
      `line 1, column 1: expected a rule label but found '*x'`,
    ],
    [
      'a stray character on a later line',
      '/* c */\r\na: if (tcp.a == down) then stop();\n\n  # b',
      `line 4, column 3: expected a rule label but found '#'`,
    ],
  ])('%s', (_name, text, message) => {
    expect(messageOf(text)).toBe(message);
  });

  it('carries the section, position, expected and found as fields', () => {
    const err = (() => {
      try {
        parseLegacyRules('a: if (tcp.a == down) then reboot();', 'failover section 2');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(RuleParseError);
    expect(err).toMatchObject({
      name: 'RuleParseError',
      section: 'failover section 2',
      line: 1,
      column: 28,
      found: "'reboot'",
      expected: ACTIONS,
    });
  });
});
