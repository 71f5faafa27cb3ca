// The behaviour of keel's NestJS bus transport (BusServer, @OnBusEvent, @OnBusRequest, startOnBus),
// run over the in-memory twin (unit) and over NatsBus with a real nats-server (medium): a service's
// controllers must see the same thing on both (docs/decisions/0002).
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import {
  BusRemoteError,
  codecs,
  defineCodec,
  defineRpc,
  HandlerError,
  ReplyCodes,
  subjects,
  type BusErrorListener,
  type BusPort,
  type Envelope,
} from '@keel/bus';
import { createCapturingSink, createInbox, type BusFactory, type Inbox } from '@keel/testing';
import {
  BusBindingError,
  BusContext,
  createLogger,
  createMetrics,
  OnBusEvent,
  OnBusRequest,
  runtimeImports,
  serviceBusProviders,
  startOnBus,
} from '../../src';

const ping = defineCodec('test.transport.ping', z.object({ n: z.number().int() }));
const other = defineCodec('test.transport.other', z.object({ text: z.string() }));
const echo = defineRpc('test.transport.echo', z.object({ text: z.string() }), z.object({ text: z.string() }));
const wrongRequest = defineRpc(
  'test.transport.wrong',
  z.object({ n: z.number() }),
  z.object({ text: z.string() }),
);

// Patterns are fixed by the decorators; each scenario below uses its own subjects.
const P = {
  events: 'tt.*.ping',
  ordered: 'tt.ordered',
  echo: 'tt.echo',
  refused: 'tt.refused',
  broken: 'tt.broken',
} as const;

/** What the handlers saw; reset by each scenario. */
const seen = {
  events: createInbox<{ n: number; subject: string; from: string }>(),
  order: [] as string[],
};

@Controller()
class ProbeController {
  @OnBusEvent(P.events, ping)
  onPing(@Payload() msg: Envelope<{ n: number }>, @Ctx() ctx: BusContext): void {
    seen.events.push({ n: msg.payload.n, subject: ctx.getSubject(), from: msg.source.service });
  }

  @OnBusEvent(P.ordered, ping)
  async onOrdered(@Payload() msg: Envelope<{ n: number }>): Promise<void> {
    seen.order.push(`begin ${msg.payload.n}`);
    // The first message takes longest: it must still end before the second begins.
    await new Promise((r) => setTimeout(r, msg.payload.n === 1 ? 30 : 1));
    seen.order.push(`end ${msg.payload.n}`);
  }

  @OnBusRequest(P.echo, echo)
  async onEcho(
    @Payload() req: Envelope<{ text: string }>,
    @Ctx() ctx: BusContext,
  ): Promise<{ text: string }> {
    return { text: `${req.payload.text} on ${ctx.getSubject()} from ${req.source.service}` };
  }

  @OnBusRequest(P.refused, echo)
  onRefused(): never {
    throw new HandlerError('NOT_NOW', 'come back later');
  }

  @OnBusRequest(P.broken, echo)
  onBroken(): never {
    throw new Error('handler bug');
  }
}

@Controller()
class UndeclaredController {
  @EventPattern('tt.undeclared')
  on(): void {
    seen.order.push('undeclared handler called');
  }
}

export function describeBusTransportContract(name: string, factory: BusFactory): void {
  describe(`bus transport contract: ${name}`, () => {
    let app: INestMicroservice | undefined;
    let serviceBus: BusPort;
    let caller: BusPort;
    let serviceErrors: Inbox<{ err: Error; subject: string }>;

    const serviceModule = (controllers: unknown[]) => {
      const sink = createCapturingSink();
      const logger = createLogger({ service: 'probe', node: 'node1', sink });
      @Module({
        imports: runtimeImports({ logger, metrics: createMetrics({ service: 'probe', node: 'node1' }) }),
        controllers: controllers as never[],
        providers: serviceBusProviders({
          bus: serviceBus,
          url: 'nats://127.0.0.1:1',
          source: { service: 'probe', node: 'node1' },
          credential: { role: 'heartbeat', file: '/nonexistent/never-read.nk' },
        }),
      })
      class ProbeModule {}
      return ProbeModule;
    };

    beforeAll(() => factory.start());
    afterAll(() => factory.stop());
    beforeEach(async () => {
      seen.events = createInbox();
      seen.order = [];
      serviceErrors = createInbox();
      const onError: BusErrorListener = (err, ctx) => serviceErrors.push({ err, subject: ctx.subject });
      serviceBus = await factory.connect({ source: { service: 'probe', node: 'node1' }, onError });
      caller = await factory.connect({ source: { service: 'caller', node: 'node1' } });
    });
    afterEach(async () => {
      await app?.close();
      app = undefined;
      await Promise.all([serviceBus.close(), caller.close()]);
    });

    const start = async () => {
      app = await startOnBus(serviceModule([ProbeController]), { logger: false });
    };
    const request = (subject: string, text: string) =>
      caller.request(subject, echo, { text }, { timeoutMs: 5000 });

    it('hands an event matching a wildcard pattern to its handler, with the envelope and the subject', async () => {
      await start();
      caller.publish('tt.alpha.ping', ping, { n: 7 });
      expect(await seen.events.next()).toEqual({ n: 7, subject: 'tt.alpha.ping', from: 'caller' });
    });

    it('handles the events of one pattern one at a time, in arrival order', async () => {
      await start();
      caller.publish(P.ordered, ping, { n: 1 });
      caller.publish(P.ordered, ping, { n: 2 });
      await caller.flush();
      await waitFor(() => seen.order.length === 4);
      expect(seen.order).toEqual(['begin 1', 'end 1', 'begin 2', 'end 2']);
    });

    it("answers a request with the handler's result", async () => {
      await start();
      expect(await request(P.echo, 'hello')).toEqual({ text: 'hello on tt.echo from caller' });
    });

    it('carries the code of a HandlerError to the caller', async () => {
      await start();
      const err = await request(P.refused, 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BusRemoteError);
      expect(err).toMatchObject({ code: 'NOT_NOW', remoteMessage: 'come back later' });
      expect(serviceErrors.pending).toBe(0);
    });

    it('answers HANDLER_FAILED for any other exception and reports it on the serving side', async () => {
      await start();
      const err = await request(P.broken, 'x').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ReplyCodes.HandlerFailed, remoteMessage: 'handler bug' });
      expect((await serviceErrors.next()).err.message).toBe('handler bug');
    });

    it('answers BAD_REQUEST to a request of another type, without calling the handler', async () => {
      await start();
      const err = await caller
        .request(P.echo, wrongRequest, { n: 1 }, { timeoutMs: 5000 })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ReplyCodes.BadRequest });
    });

    it('reports an event that does not decode and goes on with the next one', async () => {
      await start();
      caller.publish('tt.beta.ping', other, { text: 'not a ping' });
      caller.publish('tt.beta.ping', ping, { n: 2 });
      expect(await seen.events.next()).toMatchObject({ n: 2 });
      expect((await serviceErrors.next()).err.name).toBe('BusDecodeError');
    });

    it('says the service ready only once its handlers listen', async () => {
      const presence = createInbox<string>();
      // Whoever hears `ready` may send at once (admin does): that first event must be handled.
      await caller.subscribe(subjects.anyPresence(), codecs.servicePresence, (msg) => {
        presence.push(msg.payload.status);
        if (msg.payload.status === 'ready') caller.publish('tt.gamma.ping', ping, { n: 1 });
      });
      await start();
      expect(await presence.take(2)).toEqual(['starting', 'ready']);
      expect(await seen.events.next()).toMatchObject({ n: 1, subject: 'tt.gamma.ping' });
    });

    it('stops handling when the application closes', async () => {
      await start();
      await app!.close();
      app = undefined;
      // Not answered: at once (no responders) or, when the server has not yet dropped the closed
      // subscription under load, by the request's timeout. Never by the closed handler.
      const outcome = await request(P.echo, 'late').then(
        () => 'answered',
        (err: Error) => err.name,
      );
      expect(['BusNoRespondersError', 'BusTimeoutError']).toContain(outcome);
    });

    it('refuses to start a handler declared without a codec, naming its pattern', async () => {
      await expect(startOnBus(serviceModule([UndeclaredController]), { logger: false })).rejects.toThrow(
        BusBindingError,
      );
      await expect(startOnBus(serviceModule([UndeclaredController]), { logger: false })).rejects.toThrow(
        /tt\.undeclared/,
      );
    });
  });
}

async function waitFor(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
