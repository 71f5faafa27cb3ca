// Medium run of the transport contract over NatsBus and a real nats-server; the server is stopped
// in afterAll even when tests fail. Every bus connects as the harness user (the roles' permissions
// have their own medium tests, test/medium/bus-access).
import { NatsBus } from '@keel/bus';
import { HARNESS_USER, startNatsServer, type NatsServerHandle } from '@keel/testing';
import { describeBusTransportContract } from './contract/bus-transport.contract';

jest.setTimeout(20_000);

let server: NatsServerHandle | undefined;

describeBusTransportContract('NatsBus', {
  start: async () => {
    server = await startNatsServer();
  },
  connect: async (options) => {
    if (!server) throw new Error('nats-server did not start');
    return NatsBus.connect({ ...options, url: server.url, credential: server.credential(HARNESS_USER) });
  },
  stop: async () => {
    await server?.stop();
  },
});
