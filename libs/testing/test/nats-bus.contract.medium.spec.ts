// Medium run of the shared contract against NatsBus and a real nats-server
// (apt-get install nats-server). The server is stopped in afterAll even when tests fail.
import { natsBusFactory } from '../src';
import { describeBusPortContract } from './contract/bus-port.contract';

jest.setTimeout(20_000);

describeBusPortContract('NatsBus', natsBusFactory());
