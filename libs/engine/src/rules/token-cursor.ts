/** What both rule lexers produce: a kind, the text as written, and where it starts. */
export interface CursorToken {
  readonly kind: string;
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Walks a token list that ends with an `eof` token, for the two rule parsers (legacy and Lua):
 * reading past the end keeps returning `eof`. Each parser says how it reports a failure.
 */
export abstract class TokenCursor<T extends CursorToken> {
  private index = 0;

  constructor(protected readonly tokens: readonly T[]) {}

  protected peek(offset = 0): T {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as T;
  }

  protected next(): T {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  protected isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  protected punct(text: string, expected = `'${text}'`): void {
    if (!this.isPunct(text)) this.fail(this.peek(), expected);
    this.next();
  }

  protected abstract fail(t: T, expected: string): never;
}
