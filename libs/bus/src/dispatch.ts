// Behaviour shared by every BusPort implementation, so the NATS bus and the in-memory twin
// cannot drift apart: how envelopes are stamped, how a served request becomes a reply, how
// a reply becomes a result or an error, and how subscription handlers are serialised.
import type { BusErrorListener, MessageContext, MessageHandler, RequestHandler } from './bus.port';
import {
  decodeAnyErrorReply,
  ReplyCodes,
  ReplyCodeSchema,
  SourceSchema,
  type Codec,
  type Envelope,
  type ReplyPayload,
  type Rpc,
  type Source,
} from './envelope';
import { randomUUID } from 'node:crypto';
import { BusEncodeError, BusRemoteError, HandlerError } from './errors';

/** What an implementation needs to stamp outgoing envelopes; clock and ids are injectable. */
export interface EnvelopeStamp {
  readonly source: Source;
  readonly now: () => Date;
  readonly newId: () => string;
}

export interface StampOptions {
  readonly source: Source;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** Validates the source once, up front, rather than failing on every publish. */
export function createStamp(options: StampOptions): EnvelopeStamp {
  const source = SourceSchema.safeParse(options.source);
  if (!source.success) {
    throw new BusEncodeError(
      'envelope.source',
      source.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
        message: i.message,
      })),
    );
  }
  return { source: source.data, now: options.now ?? (() => new Date()), newId: options.newId ?? randomUUID };
}

export function seal<T>(stamp: EnvelopeStamp, codec: Codec<T>, payload: T): Uint8Array {
  const envelope: Envelope<T> = {
    v: 1,
    id: stamp.newId(),
    ts: stamp.now().toISOString(),
    source: stamp.source,
    type: codec.type,
    payload,
  };
  return codec.encode(envelope);
}

/** Decodes one message and runs the handler; every failure goes to `onError`, never up. */
export async function deliver<T>(
  codec: Codec<T>,
  bytes: Uint8Array,
  handler: MessageHandler<T>,
  ctx: MessageContext,
  onError: BusErrorListener,
): Promise<void> {
  let msg: Envelope<T>;
  try {
    msg = codec.decode(bytes);
  } catch (err) {
    onError(asError(err), ctx);
    return;
  }
  try {
    await handler(msg, ctx);
  } catch (err) {
    onError(asError(err), ctx);
  }
}

const MAX_ERROR_MESSAGE = 4096;

/**
 * Turns a request into reply bytes. Never throws: a bad request, a throwing handler or an
 * invalid result each become an error reply, so the requester gets an answer instead of
 * waiting for its timeout. Unexpected failures are also reported on the serving side.
 */
export async function answerRequest<Req, Res>(
  stamp: EnvelopeStamp,
  rpc: Rpc<Req, Res>,
  bytes: Uint8Array,
  handler: RequestHandler<Req, Res>,
  ctx: MessageContext,
  onError: BusErrorListener,
): Promise<Uint8Array> {
  const reply = (payload: ReplyPayload<Res>) => seal(stamp, rpc.reply, payload);
  const failure = (code: string, message: string) =>
    reply({ ok: false, code, message: message.slice(0, MAX_ERROR_MESSAGE) });

  let request: Envelope<Req>;
  try {
    request = rpc.request.decode(bytes);
  } catch (err) {
    onError(asError(err), ctx);
    return failure(ReplyCodes.BadRequest, asError(err).message);
  }

  let result: Res;
  try {
    result = await handler(request, ctx);
  } catch (err) {
    if (err instanceof HandlerError && ReplyCodeSchema.safeParse(err.code).success) {
      return failure(err.code, err.message);
    }
    onError(asError(err), ctx);
    return failure(ReplyCodes.HandlerFailed, asError(err).message);
  }

  try {
    return reply({ ok: true, result });
  } catch (err) {
    if (!(err instanceof BusEncodeError)) throw err;
    onError(err, ctx);
    return failure(ReplyCodes.InvalidResult, err.message);
  }
}

/** Reply bytes -> result. Throws BusDecodeError (bad reply) or BusRemoteError (error reply). */
export function readReply<Req, Res>(rpc: Rpc<Req, Res>, bytes: Uint8Array, subject: string): Res {
  let reply: ReplyPayload<Res>;
  try {
    reply = rpc.reply.decode(bytes).payload;
  } catch (err) {
    const remote = decodeAnyErrorReply(bytes);
    if (remote) throw new BusRemoteError(subject, remote.code, remote.message);
    throw err;
  }
  if (reply.ok) return reply.result;
  throw new BusRemoteError(subject, reply.code, reply.message);
}

/** Runs tasks one after another in submission order (per-subscription ordering). */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  push(task: () => Promise<void>): void {
    // Tasks report their own errors; the catch only keeps one failure from stopping the queue.
    this.tail = this.tail.then(task).catch(() => undefined);
  }

  /** Resolves when everything pushed so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}

const MAX_TIMEOUT_MS = 2_147_483_647;

/** A request without a sane deadline is a programming error, not a bus failure. */
export function assertTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
}

/** Default listener: one JSON line on stderr, so the failure is never silent. */
export const stderrErrorListener: BusErrorListener = (err, ctx) => {
  const line = {
    ts: new Date().toISOString(),
    level: 'error',
    component: 'bus',
    msg: 'bus message failed',
    subject: ctx.subject,
    error: err.name,
    detail: err.message,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Options every BusPort implementation accepts. */
export interface BusOptions extends StampOptions {
  /** Where failures without a caller go; defaults to one JSON line on stderr. */
  readonly onError?: BusErrorListener;
}
