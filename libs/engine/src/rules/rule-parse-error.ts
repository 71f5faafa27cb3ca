/** Where a parse problem is: 1-based, inside one rule section (a CDATA block or a built-in text). */
export interface SectionPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * The only error the rule parsers and the composer throw. The message reads
 * `line L, column C: expected X but found 'Y'` so it can be prefixed with the file position of the
 * section by whoever knows it (the configuration library knows where the CDATA starts).
 */
export class RuleParseError extends Error {
  override readonly name = 'RuleParseError';

  constructor(
    /** Name of the section the problem is in, as given to the parser (e.g. `failover section 2`). */
    readonly section: string,
    readonly line: number,
    readonly column: number,
    /** What the parser wanted at this point, in words. */
    readonly expected: string,
    /** The offending token as written, quoted, or `end of section`. */
    readonly found: string,
    detail?: string,
  ) {
    super(`line ${line}, column ${column}: ${detail ?? `expected ${expected} but found ${found}`}`);
  }
}

/** `'text'` for a token, or the words used when the section ended early. */
export function quoteToken(text: string | undefined): string {
  return text === undefined ? 'end of section' : `'${text}'`;
}
