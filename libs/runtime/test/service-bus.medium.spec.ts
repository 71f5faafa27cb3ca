// A service module without a given bus connects its own NatsBus when the application starts and
// closes it on shutdown, after the service has stopped using it (its presence says `stopping` in
// beforeApplicationShutdown, on that bus).
import { Inject, Injectable, Module } from '@nestjs/common';
import { BUS, BusClosedError, codecs, NatsBus, subjects, type BusPort } from '@keel/bus';
import { busFiles } from '@keel/config';
import {
  createCapturingSink,
  createInbox,
  HARNESS_USER,
  startNatsServer,
  type NatsServerHandle,
} from '@keel/testing';
import { createLogger, createMetrics, runtimeImports, serviceBusProviders, startOnBus } from '../src';

jest.setTimeout(30_000);

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

@Injectable()
class Probe {
  constructor(@Inject(BUS) readonly bus: BusPort) {}
}

it('connects a bus on start and closes it after the service stopped', async () => {
  // The service speaks as heartbeat: only its own presence subject is open to that credential.
  const source = { service: 'heartbeat', node: 'node1' };
  const observer = await NatsBus.connect({
    url: server.url,
    source: { service: 'test', node: 'node1' },
    credential: server.credential(HARNESS_USER),
  });
  // The probe speaks with a real service's credential, read from the file as services do.
  const credential = { role: 'heartbeat', file: busFiles(server.etc).credential('heartbeat') } as const;
  const seen = createInbox<string>();
  await observer.subscribe(subjects.anyPresence(), codecs.servicePresence, (m) => {
    seen.push(`${m.source.service}@${m.source.node}:${m.payload.status}`);
  });
  const sink = createCapturingSink();

  @Module({ providers: [...serviceBusProviders({ url: server.url, source, credential }), Probe] })
  class ServiceModule {}
  @Module({
    imports: [
      ...runtimeImports({
        logger: createLogger({ service: 'probe', node: 'node1', sink }),
        metrics: createMetrics({ service: 'probe', node: 'node1' }),
      }),
      ServiceModule,
    ],
  })
  class Root {}

  const app = await startOnBus(Root, { logger: false });
  const bus = app.get(Probe).bus;
  expect(bus).toBeInstanceOf(NatsBus);
  await app.close();

  const publish = () =>
    bus.publish(subjects.presence('heartbeat'), codecs.servicePresence, {
      service: 'heartbeat',
      status: 'ready',
      pid: 1,
    });
  expect(publish).toThrow(BusClosedError);
  // All were published before the close: the close drains them to the server first.
  expect(await seen.take(3)).toEqual([
    'heartbeat@node1:starting',
    'heartbeat@node1:ready',
    'heartbeat@node1:stopping',
  ]);
  await observer.close();
  expect(sink.records()).toEqual([]);
});
