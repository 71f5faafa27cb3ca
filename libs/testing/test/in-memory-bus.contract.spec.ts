// Unit run of the shared contract against the in-memory twin.
import { InMemoryBusNetwork } from '../src';
import { describeBusPortContract } from './contract/bus-port.contract';

let network = new InMemoryBusNetwork();

describeBusPortContract('InMemoryBus', {
  start: async () => {
    network = new InMemoryBusNetwork();
  },
  connect: async (options) => network.connect(options),
  stop: async () => undefined,
});
