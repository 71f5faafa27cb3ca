// Unit run of the transport contract over the in-memory twin.
import { inMemoryBusFactory } from '@keel/testing';
import { describeBusTransportContract } from './contract/bus-transport.contract';

describeBusTransportContract('in-memory twin', inMemoryBusFactory());
