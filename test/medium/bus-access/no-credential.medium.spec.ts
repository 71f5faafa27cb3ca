// keel's nats-server lets in only the keel credentials: a client without one, or with a key the
// server does not know, cannot connect at all.
import { BusConnectError, NatsBus, newBusCredentialSeed, parseBusCredential } from '@keel/bus';
import { startNatsServer, type NatsServerHandle } from '@keel/testing';

jest.setTimeout(20_000);

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server?.stop());

const source = { service: 'intruder', node: 'node1' };

it('refuses a client without credentials', async () => {
  await expect(
    NatsBus.connect({ url: server.url, source, connectTimeoutMs: 2000, maxReconnectAttempts: 0 }),
  ).rejects.toBeInstanceOf(BusConnectError);
});

it('refuses a client whose key the server does not know', async () => {
  const unknown = parseBusCredential(newBusCredentialSeed(), 'made-up.nk', 'cli');
  await expect(
    NatsBus.connect({
      url: server.url,
      source,
      credential: unknown,
      connectTimeoutMs: 2000,
      maxReconnectAttempts: 0,
    }),
  ).rejects.toThrow(/authorization violation/i);
});
