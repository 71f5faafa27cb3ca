// Unit run of the shared contract against the in-memory twin.
import { inMemoryBusFactory } from '../src';
import { describeBusPortContract } from './contract/bus-port.contract';

describeBusPortContract('InMemoryBus', inMemoryBusFactory());
