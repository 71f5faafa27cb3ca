import { Inject, Injectable, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { InMemoryBusNetwork } from '@keel/testing';
import { bootstrapService, LOGGER, Logger, METRICS_REGISTRY, serviceBusProviders } from '../src';

// Every keel service starts through bootstrapService; this is a real Nest microservice on the bus.
@Injectable()
class Probe {
  constructor(
    @Inject(LOGGER) readonly logger: Logger,
    @Inject(METRICS_REGISTRY) readonly metrics: Registry,
  ) {}
}

const source = { service: 'probe', node: 'node7' };
@Module({
  providers: [
    Probe,
    ...serviceBusProviders({
      bus: new InMemoryBusNetwork().connect({ source }),
      url: 'nats://127.0.0.1:1',
      source,
      credential: { role: 'heartbeat', file: '/nonexistent/never-read.nk' },
    }),
  ],
})
class ProbeModule {}

test('a service starts with the logger and metrics registry injected, and closes', async () => {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    const app = await bootstrapService({
      service: 'probe',
      module: ProbeModule,
      node: 'node7',
    });
    const probe = app.get(Probe);
    expect(await probe.metrics.metrics()).toContain('node="node7"');
    await app.close();
  } finally {
    spy.mockRestore();
  }
  const started = writes.map((w) => JSON.parse(w)).find((l) => l.msg === 'service started');
  expect(started).toMatchObject({ service: 'probe', node: 'node7' });
});
