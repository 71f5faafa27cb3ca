// The codec machinery itself: what the bytes look like and how bad bytes are reported.
import { z } from 'zod';
import { BusDecodeError, decodeAnyErrorReply, defineCodec, defineRpc } from '../src';
import { envelope } from './fixtures/envelopes';

const codec = defineCodec('test.sample', z.object({ n: z.number() }));
const text = new TextEncoder();

function decodeError(bytes: Uint8Array): BusDecodeError {
  try {
    codec.decode(bytes);
  } catch (err) {
    if (err instanceof BusDecodeError) return err;
    throw err;
  }
  throw new Error('decode accepted invalid bytes');
}

describe('envelope codec', () => {
  it('encodes one UTF-8 JSON object', () => {
    const bytes = codec.encode(envelope(codec, { n: 1 }));
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(envelope(codec, { n: 1 }));
  });

  it('drops unknown fields, so v1 peers can add optional fields', () => {
    const bytes = text.encode(
      JSON.stringify({ ...envelope(codec, { n: 1 }), payload: { n: 1, extra: true }, later: 'x' }),
    );
    expect(codec.decode(bytes)).toEqual(envelope(codec, { n: 1 }));
  });

  it('accepts timestamps with an offset', () => {
    const bytes = text.encode(
      JSON.stringify({ ...envelope(codec, { n: 1 }), ts: '2026-01-02T03:04:05+02:00' }),
    );
    expect(codec.decode(bytes).ts).toBe('2026-01-02T03:04:05+02:00');
  });

  it.each([
    ['invalid UTF-8', new Uint8Array([0xff, 0xfe, 0x7b])],
    ['invalid JSON', text.encode('{"v":1,')],
    ['empty input', new Uint8Array()],
  ])('reports %s as a root-level BusDecodeError', (_label, bytes) => {
    const err = decodeError(bytes);
    expect(err.type).toBe('test.sample');
    expect(err.issues[0]?.path).toEqual([]);
  });

  it('reports schema violations with their paths', () => {
    const err = decodeError(
      text.encode(JSON.stringify({ ...envelope(codec, { n: 1 }), payload: { n: 'one' }, v: 2 })),
    );
    expect(err.issues.map((i) => i.path)).toEqual([['v'], ['payload', 'n']]);
    expect(err.message).toContain('payload.n');
  });

  it('reports a non-byte input instead of crashing', () => {
    expect(decodeError('{}' as unknown as Uint8Array).issues[0]?.message).toBe('not a byte array');
  });

  it('refuses an invalid type name at definition time', () => {
    expect(() => defineCodec('Bad Type', z.object({}))).toThrow('invalid message type');
  });
});

describe('rpc reply codec', () => {
  const rpc = defineRpc('test.rpc', z.object({}), z.object({ n: z.number() }));

  it('names the reply type after the request type', () => {
    expect(rpc.reply.type).toBe('test.rpc.reply');
  });

  it('lets any requester read an error reply of another type', () => {
    const bytes = rpc.reply.encode(envelope(rpc.reply, { ok: false, code: 'BAD_REQUEST', message: 'nope' }));
    expect(decodeAnyErrorReply(bytes)).toEqual({ code: 'BAD_REQUEST', message: 'nope' });
  });

  it('does not mistake a successful reply or garbage for an error reply', () => {
    expect(
      decodeAnyErrorReply(rpc.reply.encode(envelope(rpc.reply, { ok: true, result: { n: 1 } }))),
    ).toBeUndefined();
    expect(decodeAnyErrorReply(new Uint8Array([0xff]))).toBeUndefined();
  });
});
