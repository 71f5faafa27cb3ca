// The wire format: every bus message is one JSON envelope, UTF-8 encoded. The envelope carries
// who sent it and what type its payload is, so a subscriber can reject a message meant for a
// different schema instead of misreading it.
import { z } from 'zod';
import { BusDecodeError, BusEncodeError, type BusIssue } from './errors';

export const ENVELOPE_VERSION = 1;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
// Dotted lowercase words, e.g. "module.command" or "module.command.reply".
const TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)*$/;

export const SourceSchema = z.object({
  /** keel service name: admin, heartbeat, rfs, ... */
  service: z.string().regex(NAME),
  /** node (host) name the service runs on; hostnames allow dots. */
  node: z.string().min(1).max(253),
});
export type Source = z.output<typeof SourceSchema>;

const envelopeShape = {
  v: z.literal(ENVELOPE_VERSION),
  id: z.string().min(1).max(128),
  ts: z.iso.datetime({ offset: true }),
  source: SourceSchema,
  type: z.string().regex(TYPE).max(128),
};

export interface Envelope<T> {
  readonly v: typeof ENVELOPE_VERSION;
  readonly id: string;
  readonly ts: string;
  readonly source: Source;
  readonly type: string;
  readonly payload: T;
}

/** Turns one message type into bytes and back; decode never throws anything but BusDecodeError. */
export interface Codec<T> {
  readonly type: string;
  encode(msg: Envelope<T>): Uint8Array;
  decode(bytes: Uint8Array): Envelope<T>;
}

/** Builds the codec for envelopes of `type` whose payload satisfies `payload`. */
export function defineCodec<S extends z.ZodType>(type: string, payload: S): Codec<z.output<S>> {
  if (!TYPE.test(type)) throw new Error(`invalid message type ${JSON.stringify(type)}`);
  const schema = z.object({ ...envelopeShape, type: z.literal(type), payload });
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });

  return {
    type,
    encode(msg) {
      const parsed = schema.safeParse(msg);
      if (!parsed.success) throw new BusEncodeError(type, toIssues(parsed.error.issues));
      return encoder.encode(JSON.stringify(parsed.data));
    },
    decode(bytes) {
      try {
        if (!ArrayBuffer.isView(bytes)) return fail(type, [], 'not a byte array');
        let text: string;
        try {
          text = decoder.decode(bytes);
        } catch {
          return fail(type, [], 'not valid UTF-8');
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return fail(type, [], 'not valid JSON');
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw new BusDecodeError(type, toIssues(parsed.error.issues));
        return parsed.data as Envelope<z.output<S>>;
      } catch (err) {
        // Belt and braces: whatever else goes wrong (stack overflow on absurd nesting, ...)
        // the caller only ever has to handle BusDecodeError.
        if (err instanceof BusDecodeError) throw err;
        return fail(
          type,
          [],
          `unexpected decode failure: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    },
  };
}

/** Payload of every reply: the handler's result, or an error with a machine-readable code. */
export type ReplyPayload<R> = { ok: true; result: R } | { ok: false; code: string; message: string };

/** Well-known error-reply codes produced by the bus itself (handlers add their own). */
export const ReplyCodes = {
  /** The server could not decode the request. */
  BadRequest: 'BAD_REQUEST',
  /** The handler threw something that is not a HandlerError. */
  HandlerFailed: 'HANDLER_FAILED',
  /** The handler returned a result that does not satisfy the reply schema. */
  InvalidResult: 'INVALID_RESULT',
} as const;

export const ReplyCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/);

/** Builds the reply-payload schema for a given result schema. */
export function replySchema<S extends z.ZodType>(result: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), result }),
    z.object({ ok: z.literal(false), code: ReplyCodeSchema, message: z.string().max(4096) }),
  ]);
}

/** A request/reply pair: the request codec and the codec of its reply envelope. */
export interface Rpc<Req, Res> {
  readonly request: Codec<Req>;
  readonly reply: Codec<ReplyPayload<Res>>;
}

export function defineRpc<Q extends z.ZodType, R extends z.ZodType>(
  type: string,
  request: Q,
  result: R,
): Rpc<z.output<Q>, z.output<R>> {
  return {
    request: defineCodec(type, request),
    reply: defineCodec(`${type}.reply`, replySchema(result)) as Codec<ReplyPayload<z.output<R>>>,
  };
}

/**
 * Error replies are readable whatever the request type: a server that could not even decode
 * the request answers with its own reply type, and the requester must still see the code.
 */
const AnyErrorReplySchema = z.object({
  ...envelopeShape,
  type: z.string().regex(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)*\.reply$/),
  payload: z.object({ ok: z.literal(false), code: ReplyCodeSchema, message: z.string().max(4096) }),
});

/** Decodes an error reply of any type, or returns undefined. Never throws. */
export function decodeAnyErrorReply(bytes: Uint8Array): { code: string; message: string } | undefined {
  try {
    const parsed = AnyErrorReplySchema.safeParse(
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)),
    );
    return parsed.success
      ? { code: parsed.data.payload.code, message: parsed.data.payload.message }
      : undefined;
  } catch {
    return undefined;
  }
}

function fail(type: string, path: BusIssue['path'], message: string): never {
  throw new BusDecodeError(type, [{ path, message }]);
}

function toIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): BusIssue[] {
  return issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
  }));
}
