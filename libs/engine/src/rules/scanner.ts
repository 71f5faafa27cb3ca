import { SectionPosition } from './rule-parse-error';

/** Walks a section's text keeping the 1-based line and column (a column counts UTF-16 units; a tab is one). */
export class Scanner {
  private index = 0;

  private line = 1;

  private column = 1;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.index >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text.charAt(this.index + offset);
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.index);
  }

  advance(count = 1): string {
    const start = this.index;
    for (let i = 0; i < count && this.index < this.text.length; i++) {
      if (this.text.charAt(this.index) === '\n') {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
      this.index++;
    }
    return this.text.slice(start, this.index);
  }

  /** Consumes the longest run of characters that `accept`s. */
  takeWhile(accept: (c: string) => boolean): string {
    const start = this.index;
    while (!this.done && accept(this.peek())) this.advance();
    return this.text.slice(start, this.index);
  }

  position(): SectionPosition {
    return { line: this.line, column: this.column };
  }
}

export const isSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
