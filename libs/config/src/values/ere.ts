// POSIX extended regular expressions (errd's nameregex and argregex, reference §5.10) as
// JavaScript RegExps. The two syntaxes agree on everything but bracket expressions, where an ERE
// has character classes ([[:digit:]]), takes a leading `]` and a backslash literally, and GNU's
// word edges \< and \>; JavaScript would read those silently as something else (`[[:digit:]]` is
// a class of `[`, `:`, `d`... followed by a literal `]`). They are rewritten here, so that what
// confcheck accepts is exactly what errd and `keel kill` match with.

/** An expression that is not a POSIX ERE keel can match with; the message says why. */
export class EreError extends Error {
  override readonly name = 'EreError';
}

const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
};

/** Compiles an ERE (unanchored, case-sensitive, as regexec matches); throws EreError. */
export function compileEre(source: string): RegExp {
  const translated = translate(source);
  try {
    return new RegExp(translated);
  } catch (e) {
    throw new EreError((e as Error).message.replace(translated, source));
  }
}

function translate(src: string): string {
  let out = '';
  for (let i = 0; i < src.length;) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) throw new EreError(`'${src}' ends with a backslash`);
      out += next === '<' ? '\\b(?=\\w)' : next === '>' ? '\\b(?<=\\w)' : c + next;
      i += 2;
    } else if (c === '[') {
      const bracket = readBracket(src, i);
      out += bracket.text;
      i = bracket.end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The bracket expression opening at `start`, as a JavaScript class, and where it ends. */
function readBracket(src: string, start: number): { text: string; end: number } {
  let j = start + 1;
  const negate = src[j] === '^';
  if (negate) j++;
  let items = '';
  for (let first = true; ; first = false) {
    const ch = src[j];
    if (ch === undefined) throw new EreError(`unclosed bracket expression at ${start + 1} in '${src}'`);
    if (ch === ']' && !first) break;
    if (ch === '[' && (src[j + 1] === ':' || src[j + 1] === '=' || src[j + 1] === '.')) {
      const kind = src[j + 1];
      const close = src.indexOf(`${kind}]`, j + 2);
      if (close < 0) throw new EreError(`unclosed [${kind} at ${j + 1} in '${src}'`);
      const name = src.slice(j + 2, close);
      if (kind !== ':')
        throw new EreError(
          `[${kind}${name}${kind}] (collating elements and equivalence classes) is not supported`,
        );
      const cls = CLASSES[name];
      if (cls === undefined)
        throw new EreError(`unknown character class [:${name}:] (known: ${Object.keys(CLASSES).join(', ')})`);
      items += cls;
      j = close + 2;
      continue;
    }
    // Literal inside an ERE bracket, special in a JavaScript class.
    items += ch === '\\' || ch === ']' || ch === '[' || (ch === '^' && !first) ? `\\${ch}` : ch;
    j++;
  }
  return { text: `[${negate ? '^' : ''}${items}]`, end: j + 1 };
}

/**
 * Refuses what POSIX leaves undefined and engines read differently, so that an expression keel-rfsd
 * compiles with the C library (`<notreplicated regexpath>`) means what confcheck judged: a
 * backslash before a letter or digit (`\d`, `\w`, back-references), `(?`, and a `{` that does not
 * open an interval `{m}`, `{m,}`, `{m,n}` (at most 255) after an atom. keel-rfsd's notrep.rs applies
 * the same rules. Throws EreError.
 */
export function checkPortableEre(src: string): void {
  for (let i = 0; i < src.length;) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) throw new EreError(`'${src}' ends with a backslash`);
      if (/[A-Za-z0-9]/.test(next))
        throw new EreError(
          `\\${next} is not portable POSIX ERE (engines read it differently); write a bracket expression such as [[:digit:]]`,
        );
      i += 2;
    } else if (c === '[') i = readBracket(src, i).end;
    else if (c === '(' && src[i + 1] === '?') throw new EreError('(? is not POSIX ERE');
    else if (c === '{') {
      const close = src.indexOf('}', i);
      if (i === 0 || close < 0 || !interval(src.slice(i + 1, close)))
        throw new EreError(
          `'{' at ${i + 1} does not open an interval {m}, {m,} or {m,n} (m, n at most 255) after an atom; write [{] for the character`,
        );
      i = close + 1;
    } else i++;
  }
}

function interval(s: string): boolean {
  const m = /^(\d{1,3})(,(\d{1,3})?)?$/.exec(s);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[3] === undefined ? undefined : Number(m[3]);
  return lo <= 255 && (hi === undefined || (hi <= 255 && hi >= lo));
}
