// Property: whatever arrives on the wire, decode either returns a valid message or throws
// BusDecodeError, never anything else (subscriptions rely on this to stay alive).
import fc from 'fast-check';
import { BusDecodeError, type Codec } from '../src';
import { codecNames, pair } from './fixtures/envelopes';

const text = new TextEncoder();

function decodesOrFailsCleanly(codec: Codec<unknown>, bytes: Uint8Array): boolean {
  try {
    const msg = codec.decode(bytes);
    // Anything accepted must be a message we could have sent ourselves.
    codec.encode(msg);
    return true;
  } catch (err) {
    if (err instanceof BusDecodeError) return true;
    throw err;
  }
}

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

/** Byte-level damage to a valid encoding: flips, truncation, insertion. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
);

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = bytes;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'flip') {
      out = out.slice();
      out[at] = m.value;
    } else if (m.kind === 'truncate') {
      out = out.slice(0, at);
    } else {
      out = new Uint8Array([...out.slice(0, at), ...m.bytes, ...out.slice(at)]);
    }
  }
  return out;
}

describe.each(codecNames)('%s decode never throws anything but BusDecodeError', (name) => {
  const { codec, example } = pair(name);
  const valid = codec.encode(example);

  it('for random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => decodesOrFailsCleanly(codec, bytes)));
  });

  it('for mutated valid messages', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) =>
        decodesOrFailsCleanly(codec, mutate(valid, mutations)),
      ),
    );
  });

  it('for arbitrary JSON, as a whole message and as its payload', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const asMessage = text.encode(JSON.stringify(value));
        const asPayload = text.encode(JSON.stringify({ ...example, payload: value }));
        return decodesOrFailsCleanly(codec, asMessage) && decodesOrFailsCleanly(codec, asPayload);
      }),
    );
  });

  it('for valid messages with one payload field replaced by anything', () => {
    const fields = Object.keys(example.payload as object);
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.anything(), (field, value) => {
        const damaged = { ...example, payload: { ...(example.payload as object), [field]: value } };
        let json: string | undefined;
        try {
          json = JSON.stringify(damaged);
        } catch {
          return true; // not representable on the wire (e.g. BigInt), so it cannot arrive
        }
        return json === undefined || decodesOrFailsCleanly(codec, text.encode(json));
      }),
    );
  });
});

it('rejects deeply nested JSON with BusDecodeError', () => {
  const { codec } = pair('moduleCommand');
  const deep = text.encode('['.repeat(200_000) + ']'.repeat(200_000));
  expect(() => codec.decode(deep)).toThrow(BusDecodeError);
});
