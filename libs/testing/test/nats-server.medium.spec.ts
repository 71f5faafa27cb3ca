// The harness starts a real nats-server (apt-get install nats-server) and always cleans up.
import { connect as tcpConnect } from 'node:net';
import { NatsBus } from '@keel/bus';
import {
  NatsServerNotFoundError,
  NatsServerStartError,
  HARNESS_USER,
  startNatsServer,
  type NatsServerHandle,
} from '../src';

jest.setTimeout(20_000);

let server: NatsServerHandle | undefined;
afterAll(async () => {
  await server?.stop();
});

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

it('starts a server on loopback that a NATS client with a credential can use, and stops it', async () => {
  server = await startNatsServer();
  expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);

  const bus = await NatsBus.connect({
    url: server.url,
    source: { service: 'test', node: 'node1' },
    credential: server.credential(HARNESS_USER),
  });
  await bus.flush();
  await bus.close();

  await server.stop();
  await server.stop();
  expect(await refusesConnections(server.port)).toBe(true);
});

it('explains how to install nats-server when the binary is missing', async () => {
  const failure = startNatsServer({ binary: '/nonexistent/nats-server' });

  await expect(failure).rejects.toBeInstanceOf(NatsServerNotFoundError);
  await expect(failure).rejects.toThrow('apt-get install nats-server');
});

it('reports a binary that exits instead of serving, with its output', async () => {
  const failure = startNatsServer({ binary: '/bin/false', startTimeoutMs: 5000 });

  await expect(failure).rejects.toBeInstanceOf(NatsServerStartError);
  await expect(failure).rejects.toThrow('exited with 1');
});
