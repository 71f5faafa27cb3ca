// Medium run of the transport contract over NatsBus and a real nats-server; the server is stopped
// in afterAll even when tests fail.
import { natsBusFactory } from '@keel/testing';
import { describeBusTransportContract } from './contract/bus-transport.contract';

jest.setTimeout(20_000);

describeBusTransportContract('NatsBus', natsBusFactory());
