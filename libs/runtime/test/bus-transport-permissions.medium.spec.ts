// The transport subscribes with the service's own credential: a handler on a subject its bus role
// may not hear stops the start (docs/decisions/0010), and one it may hear starts.
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusPermissionError, codecs, rpcs, subjects, type Envelope, type StateChange } from '@keel/bus';
import { busFiles } from '@keel/config';
import { createCapturingSink, startNatsServer, type NatsServerHandle } from '@keel/testing';
import {
  createLogger,
  createMetrics,
  OnBusEvent,
  OnBusRequest,
  runtimeImports,
  serviceBusProviders,
  startOnBus,
} from '../src';

jest.setTimeout(30_000);

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

@Controller()
class HearsStates {
  readonly heard: string[] = [];

  @OnBusEvent(subjects.anyModule('state'), codecs.stateChange)
  state(@Payload() msg: Envelope<StateChange>): void {
    this.heard.push(msg.payload.module);
  }
}

/** Module commands are admin's to serve, not heartbeat's. */
@Controller()
class ServesCommands {
  @OnBusRequest(subjects.anyModuleCmd('*'), rpcs.moduleCommand)
  command(): never {
    throw new Error('never reached');
  }
}

const heartbeatService = (controller: unknown) => {
  const source = { service: 'heartbeat', node: 'node1' };
  const credential = { role: 'heartbeat', file: busFiles(server.etc).credential('heartbeat') } as const;
  @Module({
    imports: runtimeImports({
      logger: createLogger({ service: 'heartbeat', node: 'node1', sink: createCapturingSink() }),
      metrics: createMetrics({ service: 'heartbeat', node: 'node1' }),
    }),
    controllers: [controller as never],
    providers: serviceBusProviders({ url: server.url, source, credential }),
  })
  class HeartbeatLike {}
  return HeartbeatLike;
};

it("starts a handler on a subject the role may hear, with the role's credential", async () => {
  const app = await startOnBus(heartbeatService(HearsStates), { logger: false });
  await app.close();
});

it('refuses to start a handler on a subject the role may not hear', async () => {
  await expect(startOnBus(heartbeatService(ServesCommands), { logger: false })).rejects.toBeInstanceOf(
    BusPermissionError,
  );
});
