// The in-memory twin of NatsBus: same port, same semantics (wildcards, echo, no-responders,
// timeouts, error replies, ordering, close), plus fault injection. Both implementations run
// the shared contract suite in libs/bus/test, which is what keeps them identical.
import {
  answerRequest,
  assertPublishSubject,
  assertSubscribeSubject,
  assertTimeout,
  BusClosedError,
  BusNoRespondersError,
  BusTimeoutError,
  createStamp,
  deliver,
  readReply,
  seal,
  SerialQueue,
  stderrErrorListener,
  subjectMatches,
  type BusErrorListener,
  type BusOptions,
  type BusPort,
  type Codec,
  type EnvelopeStamp,
  type MessageHandler,
  type RequestHandler,
  type RequestOptions,
  type Rpc,
  type Source,
  type SubscribeOptions,
  type Subscription,
} from '@keel/bus';

type ReplyTo = (bytes: Uint8Array, from: InMemoryBus) => void;

interface Registration {
  readonly owner: InMemoryBus;
  readonly pattern: string;
  readonly receive: (bytes: Uint8Array, subject: string, replyTo: ReplyTo | undefined) => void;
}

interface Participant {
  connected: boolean;
  frozen: boolean;
  /** Deliveries withheld while frozen, released in order by thaw(). */
  held: Array<() => void>;
}

/**
 * Plays the node-local nats-server. Delivery is asynchronous (a microtask, never a timer, so
 * jest fake timers do not stall it) and ordered per publisher.
 */
export class InMemoryBusNetwork {
  private readonly participants = new Map<InMemoryBus, Participant>();
  private registrations: Registration[] = [];

  /** A new client of this network, like NatsBus.connect against one server. */
  connect(options: BusOptions): InMemoryBus {
    const bus = new InMemoryBus(this, createStamp(options), options.onError ?? stderrErrorListener);
    this.participants.set(bus, { connected: true, frozen: false, held: [] });
    return bus;
  }

  /**
   * The participant loses its connection: the server forgets its subscriptions (requests
   * to it get no-responders), its publishes are dropped and its requests time out.
   */
  disconnect(bus: InMemoryBus): void {
    this.participant(bus).connected = false;
  }

  /** Undoes disconnect(); subscriptions come back, as the NATS client resubscribes. */
  reconnect(bus: InMemoryBus): void {
    this.participant(bus).connected = true;
  }

  /**
   * The participant hangs: its subscriptions still exist (requests to it time out rather
   * than fail fast), but nothing is delivered to it until thaw().
   */
  freeze(bus: InMemoryBus): void {
    this.participant(bus).frozen = true;
  }

  /** Undoes freeze() and delivers everything held meanwhile, in order. */
  thaw(bus: InMemoryBus): void {
    const p = this.participant(bus);
    p.frozen = false;
    const held = p.held.splice(0);
    for (const delivery of held) schedule(delivery);
  }

  /** @internal used by InMemoryBus */
  register(registration: Registration): () => void {
    this.registrations.push(registration);
    return () => {
      this.registrations = this.registrations.filter((r) => r !== registration);
    };
  }

  /** @internal used by InMemoryBus. Returns how many subscriptions had interest. */
  route(from: InMemoryBus, subject: string, bytes: Uint8Array, replyTo: ReplyTo | undefined): number {
    if (!this.participant(from).connected) return -1;
    const targets = this.registrations.filter(
      (r) => this.participant(r.owner).connected && subjectMatches(r.pattern, subject),
    );
    for (const target of targets) {
      // Each receiver gets its own copy, as it would off the wire.
      const copy = bytes.slice();
      this.deliverTo(target.owner, () => target.receive(copy, subject, replyTo));
    }
    return targets.length;
  }

  /** @internal used by InMemoryBus for replies, which also travel through the server. */
  sendReply(from: InMemoryBus, to: InMemoryBus, deliverReply: () => void): void {
    if (!this.participant(from).connected || !this.participants.get(to)?.connected) return;
    this.deliverTo(to, deliverReply);
  }

  /** @internal */
  leave(bus: InMemoryBus): void {
    this.registrations = this.registrations.filter((r) => r.owner !== bus);
    this.participants.delete(bus);
  }

  private deliverTo(owner: InMemoryBus, delivery: () => void): void {
    const p = this.participants.get(owner);
    if (!p) return;
    if (p.frozen) p.held.push(delivery);
    else schedule(delivery);
  }

  private participant(bus: InMemoryBus): Participant {
    const p = this.participants.get(bus);
    if (!p) throw new BusClosedError('network');
    return p;
  }
}

export class InMemoryBus implements BusPort {
  private closed = false;
  private readonly pendingRequests = new Set<(err: Error) => void>();
  private readonly stops = new Set<() => void>();

  /** @internal use InMemoryBusNetwork.connect */
  constructor(
    private readonly network: InMemoryBusNetwork,
    private readonly stamp: EnvelopeStamp,
    private readonly onError: BusErrorListener,
  ) {}

  get source(): Source {
    return this.stamp.source;
  }

  publish<T>(subject: string, codec: Codec<T>, payload: T): void {
    this.assertOpen('publish');
    assertPublishSubject(subject);
    this.network.route(this, subject, seal(this.stamp, codec, payload), undefined);
  }

  async subscribe<T>(
    subject: string,
    codec: Codec<T>,
    handler: MessageHandler<T>,
    options?: SubscribeOptions,
  ): Promise<Subscription> {
    const onError = options?.onError ?? this.onError;
    const queue = new SerialQueue();
    return this.listen(subject, (bytes, actual, _replyTo, isActive) =>
      queue.push(async () => {
        if (isActive()) await deliver(codec, bytes, handler, { subject: actual }, onError);
      }),
    );
  }

  async serve<Req, Res>(
    subject: string,
    rpc: Rpc<Req, Res>,
    handler: RequestHandler<Req, Res>,
    options?: SubscribeOptions,
  ): Promise<Subscription> {
    const onError = options?.onError ?? this.onError;
    return this.listen(subject, (bytes, actual, replyTo) => {
      void answerRequest(this.stamp, rpc, bytes, handler, { subject: actual }, onError).then((reply) => {
        if (replyTo && !this.closed) replyTo(reply, this);
      });
    });
  }

  async request<Req, Res>(
    subject: string,
    rpc: Rpc<Req, Res>,
    payload: Req,
    options: RequestOptions,
  ): Promise<Res> {
    this.assertOpen('request');
    assertPublishSubject(subject);
    assertTimeout(options.timeoutMs);
    const bytes = seal(this.stamp, rpc.request, payload);

    const replyBytes = await new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pendingRequests.delete(fail);
        outcome();
      };
      const fail = (err: Error) => settle(() => reject(err));
      const timer = setTimeout(
        () => fail(new BusTimeoutError(subject, options.timeoutMs)),
        options.timeoutMs,
      );
      this.pendingRequests.add(fail);

      const replyTo: ReplyTo = (reply, from) =>
        this.network.sendReply(from, this, () => settle(() => resolve(reply)));
      const interested = this.network.route(this, subject, bytes, replyTo);
      // Like the server's 503 status: answered after a round trip, not synchronously.
      if (interested === 0) schedule(() => fail(new BusNoRespondersError(subject)));
    });
    return readReply(rpc, replyBytes, subject);
  }

  async flush(): Promise<void> {
    this.assertOpen('flush');
    // Routing is synchronous; one turn lets already-scheduled deliveries start, like a PING.
    await Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.stops]) stop();
    for (const reject of [...this.pendingRequests]) reject(new BusClosedError('request'));
    this.network.leave(this);
  }

  private async listen(
    subject: string,
    receive: (
      bytes: Uint8Array,
      subject: string,
      replyTo: ReplyTo | undefined,
      isActive: () => boolean,
    ) => void,
  ): Promise<Subscription> {
    this.assertOpen('subscribe');
    assertSubscribeSubject(subject);
    let active = true;
    const isActive = () => active;
    const unregister = this.network.register({
      owner: this,
      pattern: subject,
      receive: (bytes, actual, replyTo) => {
        if (active) receive(bytes, actual, replyTo, isActive);
      },
    });
    const stop = () => {
      if (!active) return;
      active = false;
      unregister();
      this.stops.delete(stop);
    };
    this.stops.add(stop);
    return { subject, unsubscribe: stop };
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new BusClosedError(operation);
  }
}

/** Runs after the current task, never on a timer (jest fake timers leave promises alone). */
function schedule(fn: () => void): void {
  void Promise.resolve().then(fn);
}
