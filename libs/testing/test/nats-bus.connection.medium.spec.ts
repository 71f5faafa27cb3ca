// NatsBus against a real nats-server going away and coming back: what the twin cannot show.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusClosedError, BusConnectError, NatsBus, type BusPort } from '@keel/bus';
import { createInbox, HARNESS_USER, InboxTimeoutError, startNatsServer, type NatsServerHandle } from '../src';
import { pingCodec } from './fixtures/test-messages';

jest.setTimeout(30_000);

const source = { service: 'admin', node: 'node1' };
let servers: NatsServerHandle[] = [];
let buses: BusPort[] = [];

// One etc for every server of a test, so that a restarted server knows the same credentials.
let etc = '';
beforeEach(() => {
  etc = mkdtempSync(join(tmpdir(), 'keel-nats-restart-'));
});

const start = async (port?: number) => {
  const server = await startNatsServer(port === undefined ? { etc } : { port, etc });
  servers.push(server);
  return server;
};
const connect = async (...args: Parameters<typeof NatsBus.connect>) => {
  const bus = await NatsBus.connect(...args);
  buses.push(bus);
  return bus;
};

afterEach(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
  await Promise.all(servers.map((server) => server.stop()));
  buses = [];
  servers = [];
  rmSync(etc, { recursive: true, force: true });
});

it('fails to connect with BusConnectError when no server listens', async () => {
  const gone = await start();
  const credential = gone.credential(HARNESS_USER);
  await gone.stop();

  await expect(
    NatsBus.connect({ source, url: gone.url, credential, connectTimeoutMs: 1000 }),
  ).rejects.toBeInstanceOf(BusConnectError);
});

it('behaves as closed once the connection is lost for good', async () => {
  const server = await start();
  const errors = createInbox<Error>();
  const bus = await connect({
    source,
    url: server.url,
    credential: server.credential(HARNESS_USER),
    maxReconnectAttempts: 0,
    onError: (err) => errors.push(err),
  });

  await server.stop();

  expect(await errors.next(10_000)).toBeInstanceOf(BusClosedError);
  expect(() => bus.publish('a.b', pingCodec, { n: 1 })).toThrow(BusClosedError);
});

it('resubscribes after the server restarts on the same port', async () => {
  const first = await start();
  const options = { url: first.url, reconnectTimeWaitMs: 50, credential: first.credential(HARNESS_USER) };
  const publisher = await connect({ ...options, source: { service: 'checkers', node: 'node1' } });
  const subscriber = await connect({ ...options, source });
  const inbox = createInbox<number>();
  await subscriber.subscribe('restart.test', pingCodec, (msg) => inbox.push(msg.payload.n));

  await first.stop();
  await start(first.port);

  // Both clients reconnect on their own schedule; retry (bounded) until a message gets through.
  let received: number | undefined;
  for (let n = 0; n < 50 && received === undefined; n++) {
    publisher.publish('restart.test', pingCodec, { n });
    try {
      received = await inbox.next(200);
    } catch (err) {
      if (!(err instanceof InboxTimeoutError)) throw err;
    }
  }
  expect(received).toEqual(expect.any(Number));
});
