// Unit run of the transport contract over the in-memory twin.
import { InMemoryBusNetwork } from '@keel/testing';
import { describeBusTransportContract } from './contract/bus-transport.contract';

let network = new InMemoryBusNetwork();

describeBusTransportContract('in-memory twin', {
  start: async () => {
    network = new InMemoryBusNetwork();
  },
  connect: async (options) => network.connect(options),
  stop: async () => undefined,
});
