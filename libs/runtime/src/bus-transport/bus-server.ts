// keel's bus as a NestJS microservice transport: the handlers of a service's controllers
// (@OnBusEvent, @OnBusRequest) are subscribed through the service's BusPort, so they receive
// exactly what every other bus user does — the envelope checked by its codec, the subject's
// permissions of the service's own credential, one message at a time per subscription, typed
// error replies (docs/decisions/0002). The same transport runs over NatsBus in production and
// over the in-memory twin in unit tests.
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { BusPort, Envelope, MessageContext, Subscription } from '@keel/bus';
import { BusContext } from './bus-context';
import type { BusBinding, BusExtras } from './bus-handlers';

/** A handler the transport cannot subscribe: a programming error, reported at start. */
export class BusBindingError extends Error {
  override readonly name = 'BusBindingError';
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`bus handler for ${pattern}: ${reason}`);
  }
}

export class BusServer extends Server implements CustomTransportStrategy {
  private subscriptions: Subscription[] = [];

  /** `bus` is asked for when the transport starts listening, once the application has built it. */
  constructor(private readonly bus: () => BusPort) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.subscribeAll();
    } catch (err) {
      await this.close();
      return callback(err);
    }
    callback();
  }

  async close(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }

  on(): never {
    throw new Error('the keel bus transport has no status events; see the bus error listener');
  }

  unwrap<T>(): T {
    return this.bus() as T;
  }

  private async subscribeAll(): Promise<void> {
    const bus = this.bus();
    for (const [pattern, handler] of this.messageHandlers) {
      const binding = bindingOf(pattern, handler);
      const run = (msg: Envelope<unknown>, ctx: MessageContext) => this.run(handler, msg, ctx);
      this.subscriptions.push(
        binding.kind === 'event'
          ? await bus.subscribe(pattern, binding.codec, async (msg, ctx) => void (await run(msg, ctx)))
          : await bus.serve(pattern, binding.rpc, run),
      );
    }
  }

  /** Runs a handler to its end, so the bus knows when it finished and how. */
  private async run(handler: MessageHandler, msg: Envelope<unknown>, ctx: MessageContext): Promise<unknown> {
    const result = await handler(msg, new BusContext([ctx]));
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}

function bindingOf(pattern: string, handler: MessageHandler): BusBinding {
  const binding = (handler.extras as Partial<BusExtras> | undefined)?.keel;
  if (!binding) throw new BusBindingError(pattern, 'declare it with @OnBusEvent or @OnBusRequest');
  if (binding.kind === 'request' && handler.isEventHandler) {
    throw new BusBindingError(pattern, 'an event handler cannot answer requests');
  }
  // Several event handlers of one pattern share a subscription: they must read the same type.
  for (let next = handler.next as MessageHandler | undefined; next; next = next.next as MessageHandler) {
    const other = (next.extras as Partial<BusExtras> | undefined)?.keel;
    if (other?.kind !== 'event' || binding.kind !== 'event' || other.codec.type !== binding.codec.type) {
      throw new BusBindingError(pattern, 'handlers of one pattern must all be events of one type');
    }
  }
  return binding;
}
