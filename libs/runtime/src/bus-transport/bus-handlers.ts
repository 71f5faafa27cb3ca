// The two ways a keel service receives bus traffic: events (publish/subscribe) and requests
// (request/reply). Each names its subject pattern and the codec that decodes the envelope, so the
// transport validates every message before the handler sees it (docs/decisions/0002).
import { applyDecorators, UseFilters } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import type { Codec, Rpc } from '@keel/bus';
import { BusErrorFilter } from './bus-error.filter';

/** What the transport needs to know of a handler, kept in the pattern's extras. */
export type BusBinding =
  | { readonly kind: 'event'; readonly codec: Codec<unknown> }
  | { readonly kind: 'request'; readonly rpc: Rpc<unknown, unknown> };

export interface BusExtras {
  readonly keel: BusBinding;
}

/**
 * Handles every message on `pattern` (NATS wildcards allowed) that decodes with `codec`:
 * `(message: Envelope<T>, context: BusContext)`. Messages of one subscription are handled one at
 * a time, in arrival order; a throwing handler goes to the bus error listener.
 */
export function OnBusEvent<T>(pattern: string, codec: Codec<T>): MethodDecorator {
  const extras: BusExtras = { keel: { kind: 'event', codec: codec as Codec<unknown> } };
  return applyDecorators(EventPattern(pattern, extras), UseFilters(BusErrorFilter));
}

/**
 * Answers requests on `pattern` with the handler's result: `(request: Envelope<Req>, context:
 * BusContext) => Res`. Requests are handled concurrently; a HandlerError becomes an error reply
 * with its code.
 */
export function OnBusRequest<Req, Res>(pattern: string, rpc: Rpc<Req, Res>): MethodDecorator {
  const extras: BusExtras = { keel: { kind: 'request', rpc: rpc as Rpc<unknown, unknown> } };
  return applyDecorators(MessagePattern(pattern, extras), UseFilters(BusErrorFilter));
}
