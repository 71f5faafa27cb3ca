// The behaviour every BusPort implementation must share. Run against the in-memory twin
// (unit) and against NatsBus with a real nats-server (medium); a difference between the two
// is a bug in one of them.
import {
  BusClosedError,
  BusDecodeError,
  BusEncodeError,
  BusNoRespondersError,
  BusRemoteError,
  BusSubjectError,
  BusTimeoutError,
  HandlerError,
  ReplyCodes,
  rpcs,
  subjects,
  codecs,
  type BusErrorListener,
  type BusPort,
  type Envelope,
  type Source,
} from '@keel/bus';
import { createInbox, type BusFactory, type Inbox } from '../../src';
import {
  echoExpectingNumberRpc,
  echoRpc,
  notEchoRpc,
  otherCodec,
  pingCodec,
} from '../fixtures/test-messages';

interface Participant {
  bus: BusPort;
  /** Everything the bus reported to its error listener. */
  errors: Inbox<{ err: Error; subject: string }>;
}

/** Bounded, and short: only the timeout scenario waits this long on purpose. */
const SHORT_TIMEOUT_MS = 150;
const REQUEST_TIMEOUT_MS = 5000;

export function describeBusPortContract(name: string, factory: BusFactory): void {
  describe(`BusPort contract: ${name}`, () => {
    let open: BusPort[] = [];
    let seq = 0;
    // Each test uses its own subjects, so a late message from one test never reaches the next.
    let ns = '';

    beforeAll(() => factory.start());
    afterAll(() => factory.stop());
    beforeEach(() => {
      seq += 1;
      ns = `t${seq}x${Math.random().toString(36).slice(2, 8)}`;
    });
    afterEach(async () => {
      await Promise.all(open.map((bus) => bus.close()));
      open = [];
    });

    const sut = async (service: string, node = 'node1'): Promise<Participant> => {
      const errors = createInbox<{ err: Error; subject: string }>();
      const onError: BusErrorListener = (err, ctx) => errors.push({ err, subject: ctx.subject });
      const source: Source = { service, node };
      const bus = await factory.connect({ source, onError });
      open.push(bus);
      return { bus, errors };
    };
    const subject = (...tokens: string[]) => [ns, ...tokens].join('.');

    describe('publish/subscribe', () => {
      it('delivers the envelope with source, type and payload', async () => {
        const { bus: a } = await sut('heartbeat');
        const { bus: b } = await sut('admin');
        const inbox = createInbox<Envelope<{ n: number }>>();
        await b.subscribe(subject('ping'), pingCodec, (msg) => inbox.push(msg));

        a.publish(subject('ping'), pingCodec, { n: 7 });

        const msg = await inbox.next();
        expect(msg).toMatchObject({
          v: 1,
          type: 'test.ping',
          source: { service: 'heartbeat', node: 'node1' },
        });
        expect(msg.payload).toEqual({ n: 7 });
        expect(typeof msg.id).toBe('string');
        expect(Number.isNaN(Date.parse(msg.ts))).toBe(false);
      });

      it('matches "*" against exactly one token and reports the concrete subject', async () => {
        const { bus: a } = await sut('rfs');
        const { bus: b } = await sut('api');
        const inbox = createInbox<string>();
        await b.subscribe(subject('*', 'state'), pingCodec, (_msg, ctx) => inbox.push(ctx.subject));

        a.publish(subject('web', 'state'), pingCodec, { n: 1 });
        a.publish(subject('web', 'extra', 'state'), pingCodec, { n: 2 });
        a.publish(subject('web', 'log'), pingCodec, { n: 3 });
        a.publish(subject('db', 'state'), pingCodec, { n: 4 });

        // Per-publisher order is preserved, so the non-matching ones would have come in between.
        expect(await inbox.take(2)).toEqual([subject('web', 'state'), subject('db', 'state')]);
      });

      it('matches ">" against one or more trailing tokens', async () => {
        const { bus: a } = await sut('rfs');
        const { bus: b } = await sut('api');
        const inbox = createInbox<string>();
        await b.subscribe(subject('keel', '>'), pingCodec, (_msg, ctx) => inbox.push(ctx.subject));

        a.publish(subject('keel'), pingCodec, { n: 0 });
        a.publish(subject('keel', 'web', 'resource', 'set'), pingCodec, { n: 1 });
        a.publish(subject('keel', 'x'), pingCodec, { n: 2 });

        expect(await inbox.take(2)).toEqual([
          subject('keel', 'web', 'resource', 'set'),
          subject('keel', 'x'),
        ]);
      });

      it('works with the real keel subjects and codecs', async () => {
        const { bus: a } = await sut('admin');
        const { bus: b } = await sut('notifier');
        const inbox = createInbox<Envelope<unknown>>();
        await b.subscribe(subjects.anyModule('state'), codecs.stateChange, (msg) => inbox.push(msg));

        const change = {
          module: `m${ns}`,
          state: 'PRIM',
          readiness: 'Ready',
          since: new Date().toISOString(),
        } as const;
        a.publish(subjects.state(`m${ns}`), codecs.stateChange, change);

        expect((await inbox.next()).payload).toEqual(change);
      });

      it('echoes a bus its own publications', async () => {
        const { bus } = await sut('admin');
        const inbox = createInbox<number>();
        await bus.subscribe(subject('self'), pingCodec, (msg) => inbox.push(msg.payload.n));

        bus.publish(subject('self'), pingCodec, { n: 42 });

        expect(await inbox.next()).toBe(42);
      });

      it('runs one handler at a time per subscription, in publish order', async () => {
        const { bus: a } = await sut('checkers');
        const { bus: b } = await sut('admin');
        const events: string[] = [];
        const done = createInbox<void>();
        await b.subscribe(subject('seq'), pingCodec, async (msg) => {
          events.push(`start ${msg.payload.n}`);
          await new Promise((resolve) => setTimeout(resolve, 1));
          events.push(`end ${msg.payload.n}`);
          done.push();
        });

        for (let n = 1; n <= 5; n++) a.publish(subject('seq'), pingCodec, { n });
        await done.take(5);

        expect(events).toEqual([1, 2, 3, 4, 5].flatMap((n) => [`start ${n}`, `end ${n}`]));
      });

      it('stops delivering after unsubscribe', async () => {
        const { bus: a } = await sut('checkers');
        const { bus: b } = await sut('admin');
        const gone = createInbox<number>();
        const kept = createInbox<number>();
        const sub = await b.subscribe(subject('u'), pingCodec, (msg) => gone.push(msg.payload.n));
        await b.subscribe(subject('u'), pingCodec, (msg) => kept.push(msg.payload.n));

        sub.unsubscribe();
        sub.unsubscribe();
        a.publish(subject('u'), pingCodec, { n: 1 });
        a.publish(subject('u'), pingCodec, { n: 2 });

        expect(await kept.take(2)).toEqual([1, 2]);
        expect(gone.pending).toBe(0);
      });

      it('reports a handler exception and keeps the subscription alive', async () => {
        const { bus: a } = await sut('checkers');
        const { bus: b, errors } = await sut('admin');
        const inbox = createInbox<number>();
        await b.subscribe(subject('boom'), pingCodec, (msg) => {
          if (msg.payload.n === 1) throw new Error('handler broke');
          inbox.push(msg.payload.n);
        });

        a.publish(subject('boom'), pingCodec, { n: 1 });
        a.publish(subject('boom'), pingCodec, { n: 2 });

        expect(await inbox.next()).toBe(2);
        const reported = await errors.next();
        expect(reported.err.message).toBe('handler broke');
        expect(reported.subject).toBe(subject('boom'));
      });

      it('reports an undecodable message as BusDecodeError and keeps the subscription alive', async () => {
        const { bus: a } = await sut('checkers');
        const { bus: b, errors } = await sut('admin');
        const inbox = createInbox<number>();
        await b.subscribe(subject('mixed'), pingCodec, (msg) => inbox.push(msg.payload.n));

        a.publish(subject('mixed'), otherCodec, { text: 'not a ping' });
        a.publish(subject('mixed'), pingCodec, { n: 3 });

        expect(await inbox.next()).toBe(3);
        const reported = await errors.next();
        expect(reported.err).toBeInstanceOf(BusDecodeError);
        expect((reported.err as BusDecodeError).issues.map((i) => i.path)).toContainEqual(['type']);
      });
    });

    describe('request/reply', () => {
      it('returns the handler result and shows the handler who asked', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        const askedBy = createInbox<string>();
        await server.serve(subject('echo'), echoRpc, (req) => {
          askedBy.push(req.source.service);
          return { text: req.payload.text.toUpperCase() };
        });

        const reply = await client.request(
          subject('echo'),
          echoRpc,
          { text: 'hi' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        expect(reply).toEqual({ text: 'HI' });
        expect(await askedBy.next()).toBe('api');
      });

      it('serves a wildcard subject with the real module-command rpc', async () => {
        const { bus: cli } = await sut('cli');
        const { bus: admin } = await sut('admin');
        await admin.serve(subjects.anyModuleCmd('*'), rpcs.moduleCommand, (req, ctx) => ({
          detail: `${req.payload.name} ${req.payload.args.join(' ')} on ${ctx.subject} by ${req.payload.identity}`,
        }));

        const module = `m${ns}`;
        const reply = await cli.request(
          subjects.cmd(module, 'cli'),
          rpcs.moduleCommand,
          { module, name: 'failover', args: ['off'], identity: 'alice' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        expect(reply.detail).toBe(`failover off on ${subjects.cmd(module, 'cli')} by alice`);
      });

      it('carries the replication control on the real rfs subjects, apart from module commands', async () => {
        const { bus: admin } = await sut('admin');
        const { bus: rfs } = await sut('rfs');
        const module = `m${ns}`;
        // admin serves every module command; an rfs command must not reach it.
        await admin.serve(subjects.anyModuleCmd('*'), rpcs.moduleCommand, () => ({ detail: 'admin' }));
        await expect(
          admin.request(
            subjects.rfsCmd(module),
            rpcs.rfsCommand,
            { module, role: 'primary', full: false },
            { timeoutMs: REQUEST_TIMEOUT_MS },
          ),
        ).rejects.toBeInstanceOf(BusNoRespondersError);

        const events = createInbox<Envelope<unknown>>();
        await admin.subscribe(subjects.anyModule('rfsEvent'), codecs.rfsEvent, (msg) => events.push(msg));
        await rfs.serve(subjects.rfsCmd(module), rpcs.rfsCommand, (req) => {
          rfs.publish(subjects.rfsEvent(module), codecs.rfsEvent, {
            module,
            event: 'mounted',
            role: 'secondary',
          });
          return { ok: true, message: `${req.payload.role}${req.payload.full ? ' full' : ''}` };
        });

        const reply = await admin.request(
          subjects.rfsCmd(module),
          rpcs.rfsCommand,
          { module, role: 'secondary', full: true },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        expect(reply).toEqual({ ok: true, message: 'secondary full' });
        expect((await events.next()).payload).toEqual({ module, event: 'mounted', role: 'secondary' });
      });

      it('fails with BusTimeoutError when the responder does not answer in time', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        let release: () => void = () => undefined;
        const hung = new Promise<void>((resolve) => (release = resolve));
        await server.serve(subject('slow'), echoRpc, async (req) => {
          await hung;
          return req.payload;
        });

        const failure = client.request(
          subject('slow'),
          echoRpc,
          { text: 'x' },
          { timeoutMs: SHORT_TIMEOUT_MS },
        );

        await expect(failure).rejects.toBeInstanceOf(BusTimeoutError);
        await expect(failure).rejects.toMatchObject({
          subject: subject('slow'),
          timeoutMs: SHORT_TIMEOUT_MS,
        });
        release();
      });

      it('fails with BusNoRespondersError when nobody serves the subject', async () => {
        const { bus: client } = await sut('api');

        const failure = client.request(
          subject('nobody'),
          echoRpc,
          { text: 'x' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        await expect(failure).rejects.toBeInstanceOf(BusNoRespondersError);
        await expect(failure).rejects.toMatchObject({ subject: subject('nobody') });
      });

      it('turns a HandlerError into BusRemoteError with its code', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        await server.serve(subject('cmd'), echoRpc, () => {
          throw new HandlerError('NOT_PRIM', 'module is not primary');
        });

        const failure = client.request(
          subject('cmd'),
          echoRpc,
          { text: 'x' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        await expect(failure).rejects.toBeInstanceOf(BusRemoteError);
        await expect(failure).rejects.toMatchObject({
          code: 'NOT_PRIM',
          remoteMessage: 'module is not primary',
        });
      });

      it('turns any other handler exception into HANDLER_FAILED and reports it on the server', async () => {
        const { bus: client } = await sut('api');
        const { bus: server, errors } = await sut('admin');
        await server.serve(subject('cmd'), echoRpc, async () => {
          throw new TypeError('cannot read x');
        });

        const failure = client.request(
          subject('cmd'),
          echoRpc,
          { text: 'x' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        await expect(failure).rejects.toMatchObject({
          code: ReplyCodes.HandlerFailed,
          remoteMessage: 'cannot read x',
        });
        await expect(failure).rejects.toBeInstanceOf(BusRemoteError);
        expect((await errors.next()).err).toBeInstanceOf(TypeError);
      });

      it('answers an undecodable request with BAD_REQUEST', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        await server.serve(subject('echo'), echoRpc, (req) => req.payload);

        const failure = client.request(
          subject('echo'),
          notEchoRpc,
          { n: 1 },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        await expect(failure).rejects.toMatchObject({ code: ReplyCodes.BadRequest });
      });

      it('answers a result that breaks the reply schema with INVALID_RESULT', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        await server.serve(subject('echo'), echoRpc, () => ({ text: 42 }) as unknown as { text: string });

        const failure = client.request(
          subject('echo'),
          echoRpc,
          { text: 'x' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        await expect(failure).rejects.toMatchObject({ code: ReplyCodes.InvalidResult });
      });

      it('fails with BusDecodeError when the reply does not decode', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        await server.serve(subject('echo'), echoRpc, (req) => req.payload);

        const failure = client.request(
          subject('echo'),
          echoExpectingNumberRpc,
          { text: 'x' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );

        await expect(failure).rejects.toBeInstanceOf(BusDecodeError);
        await expect(failure).rejects.toMatchObject({ issues: [{ path: ['payload', 'result', 'length'] }] });
      });

      it('handles requests concurrently', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        let releaseFirst: () => void = () => undefined;
        const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
        await server.serve(subject('conc'), echoRpc, async (req) => {
          if (req.payload.text === 'first') await firstMayFinish;
          return req.payload;
        });

        const first = client.request(
          subject('conc'),
          echoRpc,
          { text: 'first' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );
        // The second answer can only arrive if the first, still blocked, does not hold it up.
        const second = await client.request(
          subject('conc'),
          echoRpc,
          { text: 'second' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );
        releaseFirst();

        expect(second).toEqual({ text: 'second' });
        expect(await first).toEqual({ text: 'first' });
      });
    });

    describe('validation', () => {
      it('refuses an invalid payload synchronously with BusEncodeError', async () => {
        const { bus } = await sut('api');
        expect(() => bus.publish(subject('x'), pingCodec, { n: 1.5 })).toThrow(BusEncodeError);
      });

      it('refuses wildcards where a concrete subject is needed', async () => {
        const { bus } = await sut('api');
        expect(() => bus.publish(subject('*'), pingCodec, { n: 1 })).toThrow(BusSubjectError);
        await expect(
          bus.request(subject('>'), echoRpc, { text: '' }, { timeoutMs: 100 }),
        ).rejects.toBeInstanceOf(BusSubjectError);
        await expect(bus.subscribe(subject('>', 'x'), pingCodec, () => undefined)).rejects.toBeInstanceOf(
          BusSubjectError,
        );
      });

      it('refuses a request without a positive timeout', async () => {
        const { bus } = await sut('api');
        await expect(
          bus.request(subject('x'), echoRpc, { text: '' }, { timeoutMs: 0 }),
        ).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('close', () => {
      it('makes every later operation fail with BusClosedError', async () => {
        const { bus } = await sut('api');
        await bus.close();
        await bus.close();

        expect(() => bus.publish(subject('x'), pingCodec, { n: 1 })).toThrow(BusClosedError);
        await expect(bus.subscribe(subject('x'), pingCodec, () => undefined)).rejects.toBeInstanceOf(
          BusClosedError,
        );
        await expect(bus.serve(subject('x'), echoRpc, (r) => r.payload)).rejects.toBeInstanceOf(
          BusClosedError,
        );
        await expect(
          bus.request(subject('x'), echoRpc, { text: '' }, { timeoutMs: 100 }),
        ).rejects.toBeInstanceOf(BusClosedError);
        await expect(bus.flush()).rejects.toBeInstanceOf(BusClosedError);
      });

      it('fails a pending request with BusClosedError', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        const received = createInbox<void>();
        let release: () => void = () => undefined;
        const hung = new Promise<void>((resolve) => (release = resolve));
        await server.serve(subject('hang'), echoRpc, async (req) => {
          received.push();
          await hung;
          return req.payload;
        });

        const pending = client.request(
          subject('hang'),
          echoRpc,
          { text: 'x' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );
        await received.next();
        const outcome = expect(pending).rejects.toBeInstanceOf(BusClosedError);
        await client.close();

        await outcome;
        release();
      });

      it('withdraws the closed bus from the subject space', async () => {
        const { bus: client } = await sut('api');
        const { bus: server } = await sut('admin');
        await server.serve(subject('svc'), echoRpc, (req) => req.payload);
        expect(
          await client.request(subject('svc'), echoRpc, { text: 'up' }, { timeoutMs: REQUEST_TIMEOUT_MS }),
        ).toEqual({
          text: 'up',
        });

        await server.close();

        await expect(
          client.request(subject('svc'), echoRpc, { text: 'down' }, { timeoutMs: REQUEST_TIMEOUT_MS }),
        ).rejects.toBeInstanceOf(BusNoRespondersError);
      });
    });
  });
}
