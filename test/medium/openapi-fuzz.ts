// Requests made from an OpenAPI document that no route may accept: each case breaks the operation's
// own declared contract in one place (a path or query parameter, the body's syntax, type, a
// property's type, an unknown property, its size or nesting) while the rest stays valid, so only a
// 4xx is a right answer. Deterministic for a seed (the failure message gives it). Pure.

export interface FuzzCase {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly type?: string;
  /** What the case breaks, for the failure message. */
  readonly why: string;
}

type Schema = Record<string, any>;
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** Path segments no name of keel's matches; several are not even valid percent-encoding. */
const BAD_SEGMENTS = [
  '%ZZ',
  '%',
  '%C0%AF',
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  'a'.repeat(4000),
  encodeURIComponent('é\u202e\u0007'),
  encodeURIComponent('<script>'),
  '%F0%9F%92%A9',
  encodeURIComponent('name with spaces'),
  '-1',
];

/** Values of a wrong type or out of every bound, for a query parameter. */
const BAD_QUERY = ['-1', '0', '1e309', '99999999999999999999999', 'x', '%ZZ', '', 'a'.repeat(5000)];

/** A value that is not of `schema`'s type (or breaks its bounds). */
function wrongValue(schema: Schema | undefined, rand: () => number): unknown {
  const type = schema?.type;
  const choices: unknown[] =
    type === 'string'
      ? [1, true, null, {}, [], 'x'.repeat(2_000_000)]
      : type === 'array'
        ? ['not an array', 7, { 0: 'a' }, [{}], [null], Array.from({ length: 100_000 }, () => 'a')]
        : type === 'integer' || type === 'number'
          ? ['12', 1.5, -1e308, null, [], {}]
          : type === 'boolean'
            ? ['true', 1, null, []]
            : type === 'object'
              ? ['x', 1, [], null]
              : [Symbol.for('none')];
  const v = choices[Math.floor(rand() * choices.length)];
  return v === Symbol.for('none') ? undefined : v;
}

function fill(template: string, params: Record<string, string>, fuzzed?: [string, string]): string {
  return template.replace(/\{(\w+)\}/g, (_m, p: string) =>
    fuzzed && fuzzed[0] === p ? fuzzed[1] : encodeURIComponent(params[p] ?? 'x'),
  );
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** The cases for one operation; `valid` gives every path parameter a value the route accepts. */
export function casesFor(
  method: string,
  template: string,
  op: Operation,
  valid: Record<string, string>,
  rand: () => number,
  /** Path parameters kept valid (a proxy's route, which the node it names checks). */
  keep: readonly string[] = [],
  randomCases = 40,
): FuzzCase[] {
  const out: FuzzCase[] = [];
  const M = method.toUpperCase();
  const base = fill(template, valid);
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path' && !keep.includes(p.name));
  const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
  const schema = op.requestBody?.content?.['application/json']?.schema;

  // A body-less operation gets a body it did not ask for only where it reads one.
  const send = (path: string, why: string, body?: string, type?: string): void => {
    out.push({
      method: M,
      path,
      why,
      ...(body === undefined ? {} : { body, type: type ?? 'application/json' }),
    });
  };
  const validBody = schema && !(schema.required?.length > 0) ? '{}' : undefined;

  for (const p of pathParams)
    for (const seg of BAD_SEGMENTS)
      send(fill(template, valid, [p.name, seg]), `path ${p.name}=${seg.slice(0, 40)}`, validBody);

  for (const q of queryParams)
    for (const v of BAD_QUERY) {
      const sep = base.includes('?') ? '&' : '?';
      send(`${base}${sep}${q.name}=${v}`, `query ${q.name}=${v.slice(0, 40)}`, validBody);
    }
  // Twice the same parameter: an array where a string is declared.
  for (const q of queryParams)
    send(`${base}?${q.name}=1&${q.name}=2`, `query ${q.name} given twice`, validBody);

  if (schema) {
    const props: Record<string, Schema> = schema.properties ?? {};
    send(base, 'malformed JSON', '{"a": [');
    send(base, 'truncated string', '{"');
    send(base, 'not JSON at all', 'nul');
    send(base, 'a JSON array', '[1,2]');
    send(base, 'a JSON string', '"x"');
    send(base, 'a JSON number', '42');
    send(base, 'JSON null', 'null');
    send(base, 'deep nesting', nested(100_000));
    send(base, 'a body beyond every limit', `{"x":"${'y'.repeat(12 << 20)}"}`);
    send(base, 'JSON under a text type', '{}', 'text/plain');
    send(base, 'a prototype key', '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}');
    if (schema.additionalProperties === false) send(base, 'an unknown property', '{"keelFuzzUnknown": 1}');
    if (schema.required?.length > 0) send(base, 'every required property missing', '{}');
    // One property of the wrong type, the others absent or valid by omission.
    const names = Object.keys(props);
    for (let i = 0; i < randomCases && names.length > 0; i += 1) {
      const name = names[Math.floor(rand() * names.length)]!;
      const v = wrongValue(props[name], rand);
      if (v === undefined) continue;
      const required = (schema.required ?? []) as string[];
      // Required properties keep a value of their own type so only `name` is wrong.
      const body: Record<string, unknown> = {};
      for (const r of required) if (r !== name) body[r] = plausible(props[r]);
      body[name] = v;
      send(base, `property ${name} of the wrong type`, JSON.stringify(body));
    }
  }
  return out;
}

/** A value of the schema's own type, for the properties a case keeps valid. */
function plausible(schema: Schema | undefined): unknown {
  switch (schema?.type) {
    case 'string':
      return schema.enum?.[0] ?? 'a';
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return {};
  }
}
