import { Scanner, isSpace } from './scanner';

/**
 * A token of the legacy language. Words are runs of letters, digits and `_ . - * ?` so that a
 * resource such as `module.mirror_10.0.0.129` or `ip.?` is one token; the parser decides whether a
 * word is a label, keyword, state, action or resource. Characters the language does not use become
 * `bad` tokens instead of throwing here, so the parser reports the first problem in text order with
 * what it expected at that point.
 */
export interface LegacyToken {
  readonly kind: 'word' | 'punct' | 'bad' | 'eof';
  readonly text: string;
  readonly line: number;
  readonly column: number;
  /** Set on the `bad` token standing for a `/*` that is never closed. */
  readonly unterminatedComment?: true;
}

const PUNCT = ['==', '!=', '&&', '||', '(', ')', ':', ';', '=', '!'] as const;

const isWordChar = (c: string): boolean => /^[A-Za-z0-9_.\-*?]$/.test(c);

export function lexLegacy(text: string): LegacyToken[] {
  const s = new Scanner(text);
  const tokens: LegacyToken[] = [];
  for (;;) {
    s.takeWhile(isSpace);
    const { line, column } = s.position();
    if (s.done) {
      tokens.push({ kind: 'eof', text: '', line, column });
      return tokens;
    }
    if (s.startsWith('/*')) {
      s.advance(2);
      while (!s.done && !s.startsWith('*/')) s.advance();
      if (s.done) {
        // Everything after an unclosed comment is comment: nothing more to read.
        tokens.push({ kind: 'bad', text: '/*', line, column, unterminatedComment: true });
        continue;
      }
      s.advance(2);
      continue;
    }
    const punct = PUNCT.find((p) => s.startsWith(p));
    if (punct !== undefined) {
      tokens.push({ kind: 'punct', text: s.advance(punct.length), line, column });
      continue;
    }
    if (isWordChar(s.peek())) {
      tokens.push({ kind: 'word', text: s.takeWhile(isWordChar), line, column });
      continue;
    }
    tokens.push({ kind: 'bad', text: s.advance(), line, column });
  }
}
