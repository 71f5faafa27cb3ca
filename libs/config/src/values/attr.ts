import { z } from 'zod';
import { parseDuration, TimeUnit } from './duration';
import { checkPortableEre, compileEre } from './ere';

export type ReadResult<T> = { ok: true; value: T } | { ok: false; message: string };
type Reader<T> = (raw: string, attribute: string) => ReadResult<T>;
export type Presence = 'required' | 'defaulted' | 'optional';

/** How one attribute is read: its value type, whether it must be present, and its default. */
export interface AttrSpec<T, P extends Presence = Presence> {
  readonly read: Reader<T>;
  readonly presence: P;
  readonly fallback?: T;
  /** Human text of what is allowed, used in error messages. */
  readonly expected: string;
}

export type AttrValue<S> =
  S extends AttrSpec<infer T, 'optional'> ? T | undefined : S extends AttrSpec<infer T, Presence> ? T : never;

/** An attribute type not yet told whether it is required, defaulted or optional. */
export class AttrType<T> {
  constructor(
    readonly expected: string,
    private readonly reader: Reader<T>,
  ) {}

  required(): AttrSpec<T, 'required'> {
    return { read: this.reader, presence: 'required', expected: this.expected };
  }
  optional(): AttrSpec<T, 'optional'> {
    return { read: this.reader, presence: 'optional', expected: this.expected };
  }
  /** `fallback` is written in the file's own syntax (e.g. `'700ms'`), so defaults are checked like values. */
  default(fallback: string): AttrSpec<T, 'defaulted'> {
    const read = this.reader(fallback, '(default)');
    if (!read.ok) throw new Error(`bad default '${fallback}' for ${this.expected}: ${read.message}`);
    return { read: this.reader, presence: 'defaulted', fallback: read.value, expected: this.expected };
  }
}

const invalid = (raw: string, attribute: string, expected: string) =>
  `invalid value '${raw}' for the attribute ${attribute} (expected ${expected})`;

/** Wraps a zod schema over the raw string so every failure gets the same, attribute-naming message. */
function fromZod<T>(expected: string, schema: z.ZodType<T>): AttrType<T> {
  return new AttrType(expected, (raw, attribute) => {
    const r = schema.safeParse(raw);
    return r.success
      ? { ok: true, value: r.data }
      : { ok: false, message: invalid(raw, attribute, expected) };
  });
}

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
// A dotted run of digits is a (possibly invalid) IPv4 address, never a host name.
const hostname = z.hostname().refine((s) => !/^[\d.]+$/.test(s));

export const text = () => fromZod('a text', z.string());
export const nonEmpty = () => fromZod('a non-empty text', z.string().trim().min(1));
export const identifier = () =>
  fromZod('a name of letters, digits, _ . and -', z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/));

export function oneOf<const V extends readonly [string, ...string[]]>(values: V): AttrType<V[number]> {
  return fromZod(`one of: ${values.join(', ')}`, z.enum(values));
}

const flag = (on: string, off: string) =>
  fromZod(
    `${on} or ${off}`,
    z.enum([on, off]).transform((v) => v === on),
  );
export const onOff = () => flag('on', 'off');
export const yesNo = () => flag('yes', 'no');

export function int(min: number, max = Number.MAX_SAFE_INTEGER): AttrType<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return fromZod(
    range,
    z
      .string()
      .regex(/^\s*-?\d+\s*$/)
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  );
}

export const port = () => int(1, 65535);

export function duration(unit: TimeUnit): AttrType<number> {
  return new AttrType(`a duration (implicit unit '${unit}')`, (raw, attribute) =>
    parseDuration(raw, attribute, unit),
  );
}

export const ip = () => fromZod('an IPv4 or IPv6 address', z.union([ipv4, ipv6]));

/** An address as cluster.xml writes it: IPv4, IPv6 in brackets, or a DNS name. */
export const host = () =>
  fromZod(
    'an IPv4 address, an IPv6 address in brackets or a host name',
    z.union([
      ipv4,
      z
        .string()
        .regex(/^\[[^\]]+\]$/)
        .refine((s) => ipv6.safeParse(s.slice(1, -1)).success),
      hostname,
    ]),
  );

/** An address as userconfig.xml writes it: IPv4, bare IPv6, or a DNS name. */
export const address = () =>
  fromZod('an IPv4 or IPv6 address or a host name', z.union([ipv4, ipv6, hostname]));

export const mac = () =>
  fromZod(
    'a MAC address such as 5a:fe:c0:a8:38:14',
    z
      .string()
      .regex(/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/)
      .transform((s) => s.toLowerCase().replace(/-/g, ':')),
  );

export const netmask = () =>
  fromZod(
    'a dotted IPv4 netmask such as 255.255.255.0',
    ipv4.refine((s) =>
      /^1*0*$/.test(
        s
          .split('.')
          .map((o) => Number(o).toString(2).padStart(8, '0'))
          .join(''),
      ),
    ),
  );

/** `*` or a value of the given type; `*` reads as `'*'`. */
export function starOr<T>(inner: AttrType<T>): AttrType<T | '*'> {
  const expected = `* or ${inner.expected}`;
  return new AttrType<T | '*'>(expected, (raw, attribute): ReadResult<T | '*'> => {
    if (raw.trim() === '*') return { ok: true, value: '*' };
    const r = inner.required().read(raw, attribute);
    return r.ok ? r : { ok: false, message: invalid(raw, attribute, expected) };
  });
}

export const absolutePath = () =>
  fromZod(
    'an absolute path without spaces',
    z
      .string()
      .regex(/^\/[^\s]*$/)
      .transform(normalisePath),
  );

export const relativePath = () =>
  fromZod(
    'a relative path beneath the directory (not the directory itself), without spaces or ..',
    z
      .string()
      .regex(/^[^/\s][^\s]*$/)
      .refine((s) => !s.split('/').includes('..'))
      // keel-rfsd drops `.` and empty components: something must be left, or the path is the
      // replicated directory itself.
      .refine((s) => s.split('/').some((c) => c !== '' && c !== '.')),
  );

/**
 * `<notreplicated regexpath>`: a POSIX ERE, or `!` and one (replicate only its matches), as keel-rfsd
 * compiles it with the C library; constructs engines read differently are refused (values/ere.ts).
 */
export const notreplicatedRegex = () =>
  new AttrType<string>('a POSIX extended regular expression, or ! and one', (raw, attribute) => {
    const src = raw.startsWith('!') ? raw.slice(1) : raw;
    try {
      if (src === '') throw new Error('it is empty');
      checkPortableEre(src);
      compileEre(src);
      return { ok: true, value: raw };
    } catch (e) {
      return {
        ok: false,
        message: `invalid regular expression '${raw}' for the attribute ${attribute}: ${(e as Error).message}`,
      };
    }
  });

/** A POSIX extended regular expression, judged as errd and `keel kill` will compile it (values/ere.ts). */
export const ere = () =>
  new AttrType<string>('a POSIX extended regular expression', (raw, attribute) => {
    try {
      compileEre(raw);
      return { ok: true, value: raw };
    } catch (e) {
      return {
        ok: false,
        message: `invalid regular expression '${raw}' for the attribute ${attribute}: ${(e as Error).message}`,
      };
    }
  });

function normalisePath(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return '/' + parts.join('/');
}
