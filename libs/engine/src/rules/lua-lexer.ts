import { Scanner, isSpace } from './scanner';

/**
 * Tokens of the Lua subset. Only what the accepted statements use is recognised: names, string
 * literals, `= + { } ( ) , . ; [ ]`, and comments (`-- …` to end of line, `--[[ … ]]` long
 * comments). Anything else becomes a `bad` token so the parser can say what it expected there.
 */
export interface LuaToken {
  readonly kind: 'name' | 'string' | 'punct' | 'bad' | 'eof';
  /** As written (strings keep their quotes), for error messages. */
  readonly text: string;
  /** A string's content once escapes are read; the text otherwise. */
  readonly value: string;
  readonly line: number;
  readonly column: number;
  /** Why a `bad` token is bad when it is not just an unexpected character. */
  readonly problem?: string;
}

const PUNCT = new Set(['=', '+', '{', '}', '(', ')', ',', '.', ';', '[', ']']);
const isNameStart = (c: string): boolean => /^[A-Za-z_]$/.test(c);
const isNameChar = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);

export function lexLua(text: string): LuaToken[] {
  const s = new Scanner(text);
  const tokens: LuaToken[] = [];
  const push = (
    kind: LuaToken['kind'],
    t: string,
    at: { line: number; column: number },
    value = t,
    problem?: string,
  ): void => {
    tokens.push(
      problem === undefined ? { kind, text: t, value, ...at } : { kind, text: t, value, ...at, problem },
    );
  };
  for (;;) {
    s.takeWhile(isSpace);
    const at = s.position();
    if (s.done) {
      push('eof', '', at);
      return tokens;
    }
    if (s.startsWith('--[[')) {
      s.advance(4);
      while (!s.done && !s.startsWith(']]')) s.advance();
      if (s.done) {
        push('bad', '--[[', at, '--[[', `unterminated comment: no ']]' before the end of the section`);
        continue;
      }
      s.advance(2);
      continue;
    }
    if (s.startsWith('--')) {
      s.takeWhile((c) => c !== '\n');
      continue;
    }
    const c = s.peek();
    if (c === '"' || c === "'") {
      const str = readString(s, c);
      push(str.kind, str.text, at, str.value, str.problem);
      continue;
    }
    if (isNameStart(c)) {
      push('name', s.takeWhile(isNameChar), at);
      continue;
    }
    if (PUNCT.has(c)) {
      push('punct', s.advance(), at);
      continue;
    }
    push('bad', s.advance(), at);
  }
}

/** A short string literal; an escape keeps the next character as is (labels and resources need no more). */
function readString(
  s: Scanner,
  quote: string,
): { kind: 'string' | 'bad'; text: string; value: string; problem?: string } {
  let text = s.advance();
  let value = '';
  for (;;) {
    if (s.done || s.peek() === '\n') {
      return { kind: 'bad', text, value, problem: `unterminated string: no closing ${quote} on this line` };
    }
    const c = s.advance();
    text += c;
    if (c === quote) return { kind: 'string', text, value };
    if (c === '\\' && !s.done && s.peek() !== '\n') {
      const escaped = s.advance();
      text += escaped;
      value += escaped;
      continue;
    }
    value += c;
  }
}
