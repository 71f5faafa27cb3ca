// The only bus surface services depend on. Two implementations honour it with the same
// semantics: NatsBus (production, node-local nats-server) and InMemoryBus (in the testing lib).
import type { Codec, Envelope, Rpc, Source } from './envelope';

/** Injection token for the bus port (Nest providers, or any DI container). */
export const BUS = Symbol.for('keel.bus');

export interface MessageContext {
  /** The concrete subject the message arrived on (useful with wildcard subscriptions). */
  readonly subject: string;
}

export type MessageHandler<T> = (msg: Envelope<T>, ctx: MessageContext) => void | Promise<void>;
export type RequestHandler<Req, Res> = (request: Envelope<Req>, ctx: MessageContext) => Res | Promise<Res>;

/**
 * Receives failures that have no caller to throw to: undecodable messages and handler
 * exceptions in subscriptions, replies that could not be sent.
 */
export type BusErrorListener = (err: Error, ctx: MessageContext) => void;

export interface SubscribeOptions {
  /** Overrides the bus-wide error listener for this subscription. */
  readonly onError?: BusErrorListener;
}

export interface RequestOptions {
  /** Deadline for the reply; required so that no request can hang forever. */
  readonly timeoutMs: number;
}

export interface Subscription {
  readonly subject: string;
  /** Stops delivery; idempotent. A handler already running is not interrupted. */
  unsubscribe(): void;
}

export interface BusPort {
  /** Who this bus speaks for; stamped into every envelope it sends. */
  readonly source: Source;

  /**
   * Fire-and-forget, at most once. Throws BusSubjectError, BusEncodeError or BusClosedError
   * synchronously; nothing is reported if nobody listens.
   */
  publish<T>(subject: string, codec: Codec<T>, payload: T): void;

  /**
   * Delivers every message matching `subject` (NATS wildcards `*` and `>` allowed) that
   * decodes with `codec`, one at a time and in arrival order per subscription. Undecodable
   * messages (BusDecodeError) and handler exceptions go to the error listener.
   * Resolves once the subscription is active on the server.
   */
  subscribe<T>(
    subject: string,
    codec: Codec<T>,
    handler: MessageHandler<T>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;

  /**
   * Sends one request and waits for the first reply. Rejects with BusTimeoutError,
   * BusNoRespondersError, BusRemoteError (error reply), BusDecodeError (bad reply),
   * BusClosedError, BusEncodeError or BusSubjectError.
   */
  request<Req, Res>(subject: string, rpc: Rpc<Req, Res>, payload: Req, options: RequestOptions): Promise<Res>;

  /**
   * Answers requests on `subject` with the handler's result. Requests are handled
   * concurrently. A HandlerError becomes an error reply with its code; any other exception
   * an error reply with code HANDLER_FAILED; an undecodable request BAD_REQUEST.
   * Resolves once the subscription is active on the server.
   */
  serve<Req, Res>(
    subject: string,
    rpc: Rpc<Req, Res>,
    handler: RequestHandler<Req, Res>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;

  /** Resolves when everything published so far has reached the server. */
  flush(): Promise<void>;

  /**
   * Stops all subscriptions and rejects pending requests with BusClosedError; afterwards
   * every operation throws BusClosedError. Idempotent.
   */
  close(): Promise<void>;
}
