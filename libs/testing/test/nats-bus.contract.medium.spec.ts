// Medium run of the shared contract against NatsBus and a real nats-server
// (apt-get install nats-server). The server is stopped in afterAll even when tests fail. The
// contract uses subjects of its own: every bus connects as the harness user, allowed everything
// (the keel roles' permissions have their own medium tests, test/medium/bus-access).
import { HARNESS_USER, startNatsServer, type NatsServerHandle } from '../src';
import { NatsBus } from '@keel/bus';
import { describeBusPortContract } from './contract/bus-port.contract';

jest.setTimeout(20_000);

let server: NatsServerHandle | undefined;

describeBusPortContract('NatsBus', {
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
