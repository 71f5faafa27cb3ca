// BusPort over the node-local nats-server (nats.js 2.x). Client errors are mapped to the
// named bus errors here and nowhere else.
import {
  connect,
  ErrorCode,
  Events,
  nkeyAuthenticator,
  type Msg,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from 'nats';
import type {
  BusErrorListener,
  BusPort,
  MessageHandler,
  RequestHandler,
  RequestOptions,
  SubscribeOptions,
  Subscription,
} from './bus.port';
import {
  answerRequest,
  assertTimeout,
  createStamp,
  deliver,
  readReply,
  seal,
  SerialQueue,
  stderrErrorListener,
  type BusOptions,
  type EnvelopeStamp,
} from './dispatch';
import type { BusCredential } from './access/credential';
import type { Codec, Rpc, Source } from './envelope';
import {
  BusClosedError,
  BusConnectError,
  BusError,
  BusNoRespondersError,
  BusPermissionError,
  BusTimeoutError,
  BusTransportError,
} from './errors';
import { assertPublishSubject, assertSubscribeSubject, inboxPrefix } from './subjects';

/** nats-server's default client port, as installed by the Debian package. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** The node's bus for every keel process: $KEEL_NATS_URL (set and not empty), else the default. */
export const nodeBusUrl = (env: Readonly<Record<string, string | undefined>>): string =>
  env['KEEL_NATS_URL'] || DEFAULT_NATS_URL;

const DRAIN_TIMEOUT_MS = 2000;

export interface NatsBusOptions extends BusOptions {
  /** Defaults to DEFAULT_NATS_URL. The bus never spans nodes: use a loopback address. */
  readonly url?: string;
  /** Bound on the first connection attempt. */
  readonly connectTimeoutMs?: number;
  /**
   * Reconnect attempts after the connection drops; -1 (default) retries forever, because the
   * server is node-local and restarted by systemd.
   */
  readonly maxReconnectAttempts?: number;
  readonly reconnectTimeWaitMs?: number;
  /**
   * The credential of this service's bus role (loadBusCredentialFile). keel's nats-server
   * refuses clients without one; replies then come on the role's own inbox, _INBOX.<role>.
   */
  readonly credential?: BusCredential;
}

export class NatsBus implements BusPort {
  private closing: Promise<void> | undefined;
  private readonly pendingRequests = new Set<(err: Error) => void>();
  private readonly active = new Set<{ stop(): void }>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly stamp: EnvelopeStamp,
    private readonly onError: BusErrorListener,
  ) {
    // The client gives up for good only when reconnects are exhausted; from then on the bus
    // behaves as closed instead of failing with transport errors.
    void nc.closed().then(() => {
      if (!this.closing) {
        this.closing = Promise.resolve();
        this.shutDown();
        this.onError(new BusClosedError('connection lost'), { subject: '' });
      }
    });
    void this.reportRefusedPublishes();
  }

  // A publish the server refuses has no caller: the server's error goes to the error listener.
  // (A refused request also rejects with BusPermissionError, and is reported here as well.)
  private async reportRefusedPublishes(): Promise<void> {
    for await (const status of this.nc.status()) {
      const refused = status.type === Events.Error ? status.permissionContext : undefined;
      if (refused?.operation === 'publish' && !this.closing) {
        this.onError(new BusPermissionError('publish', refused.subject), { subject: refused.subject });
      }
    }
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const stamp = createStamp(options);
    const url = options.url ?? DEFAULT_NATS_URL;
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: url,
        name: `${stamp.source.service}@${stamp.source.node}`,
        timeout: options.connectTimeoutMs ?? 2000,
        reconnect: true,
        maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
        reconnectTimeWait: options.reconnectTimeWaitMs ?? 250,
        ...(options.credential
          ? {
              authenticator: nkeyAuthenticator(options.credential.seed),
              inboxPrefix: inboxPrefix(options.credential.role),
            }
          : {}),
      });
    } catch (err) {
      throw new BusConnectError(url, err);
    }
    return new NatsBus(nc, stamp, options.onError ?? stderrErrorListener);
  }

  get source(): Source {
    return this.stamp.source;
  }

  publish<T>(subject: string, codec: Codec<T>, payload: T): void {
    this.assertOpen('publish');
    assertPublishSubject(subject);
    const bytes = seal(this.stamp, codec, payload);
    try {
      this.nc.publish(subject, bytes);
    } catch (err) {
      throw this.mapError(err, 'publish', subject);
    }
  }

  async subscribe<T>(
    subject: string,
    codec: Codec<T>,
    handler: MessageHandler<T>,
    options?: SubscribeOptions,
  ): Promise<Subscription> {
    const onError = options?.onError ?? this.onError;
    const queue = new SerialQueue();
    return this.listen(subject, onError, (msg, isActive) =>
      queue.push(async () => {
        if (isActive()) await deliver(codec, msg.data, handler, { subject: msg.subject }, onError);
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
    return this.listen(subject, onError, (msg) => {
      const ctx = { subject: msg.subject };
      void answerRequest(this.stamp, rpc, msg.data, handler, ctx, onError).then((reply) => {
        // A plain publish has nobody to answer; once closed, the requester is gone too.
        if (!msg.reply || this.closing) return;
        try {
          msg.respond(reply);
        } catch (err) {
          onError(this.mapError(err, 'reply', msg.subject), ctx);
        }
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

    // nats.js would report a request cut short by close() as a timeout; we track pending
    // requests so that they fail with BusClosedError, as the port promises.
    let rejectOnClose: (err: Error) => void = () => undefined;
    const closed = new Promise<never>((_, reject) => (rejectOnClose = reject));
    this.pendingRequests.add(rejectOnClose);
    try {
      const reply = await Promise.race([
        this.nc.request(subject, bytes, { timeout: options.timeoutMs }),
        closed,
      ]);
      return readReply(rpc, reply.data, subject);
    } catch (err) {
      throw this.mapError(err, 'request', subject, options.timeoutMs);
    } finally {
      this.pendingRequests.delete(rejectOnClose);
    }
  }

  async flush(): Promise<void> {
    this.assertOpen('flush');
    try {
      await this.nc.flush();
    } catch (err) {
      throw this.mapError(err, 'flush', '');
    }
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.shutDown();
      this.closing = this.drainThenClose();
    }
    return this.closing;
  }

  // Draining unsubscribes and waits for the server to confirm, so once close() resolves no
  // request can still be routed to this bus (others get no-responders, as with the twin).
  // Bounded, because a drain while disconnected could wait for a reconnect that never comes.
  private async drainThenClose(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)));
    try {
      await Promise.race([this.nc.drain(), giveUp]);
    } catch {
      // Already closed or not drainable: close below is all that is left to do.
    } finally {
      clearTimeout(timer);
    }
    if (!this.nc.isClosed()) await this.nc.close().catch(() => undefined);
  }

  private async listen(
    subject: string,
    onError: BusErrorListener,
    onMessage: (msg: Msg, isActive: () => boolean) => void,
  ): Promise<Subscription> {
    this.assertOpen('subscribe');
    assertSubscribeSubject(subject);
    let active = true;
    const isActive = () => active;
    // Set when the server refuses the subscription before it is confirmed (see flush below).
    let refused: Error | undefined;
    let confirmed = false;
    let sub: NatsSubscription;
    try {
      sub = this.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) {
            const mapped = this.mapError(err, 'subscribe', subject);
            if (!confirmed) refused ??= mapped;
            else onError(mapped, { subject });
          } else if (active) onMessage(msg, isActive);
        },
      });
    } catch (err) {
      throw this.mapError(err, 'subscribe', subject);
    }
    const handle = {
      stop: () => {
        active = false;
        this.active.delete(handle);
      },
    };
    this.active.add(handle);
    const subscription: Subscription = {
      subject,
      unsubscribe: () => {
        if (!active) return;
        handle.stop();
        if (!this.nc.isClosed()) sub.unsubscribe();
      },
    };
    // The SUB must have reached the server before we promise that messages will arrive. The
    // server answers a refused SUB before the flush's PONG, so a refusal is known by then.
    try {
      await this.nc.flush();
    } catch (err) {
      handle.stop();
      throw this.mapError(err, 'subscribe', subject);
    }
    confirmed = true;
    if (refused) {
      handle.stop();
      throw refused;
    }
    return subscription;
  }

  private shutDown(): void {
    for (const handle of [...this.active]) handle.stop();
    for (const reject of [...this.pendingRequests]) reject(new BusClosedError('request'));
    this.pendingRequests.clear();
  }

  private assertOpen(operation: string): void {
    if (this.closing) throw new BusClosedError(operation);
  }

  private mapError(err: unknown, operation: string, subject: string, timeoutMs = 0): Error {
    if (err instanceof BusError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    switch (code) {
      case ErrorCode.Timeout:
        return new BusTimeoutError(subject, timeoutMs);
      case ErrorCode.NoResponders:
        return new BusNoRespondersError(subject);
      case ErrorCode.PermissionsViolation:
        return new BusPermissionError(
          operation === 'subscribe' ? 'subscribe' : operation === 'request' ? 'request' : 'publish',
          subject,
        );
      case ErrorCode.ConnectionClosed:
      case ErrorCode.ConnectionDraining:
        return new BusClosedError(operation);
      default:
        return new BusTransportError(operation, err);
    }
  }
}
