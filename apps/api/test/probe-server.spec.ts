import { codecs, subjects, type BusPort } from '@keel/bus';
import type { INestMicroservice } from '@nestjs/common';
import { nodePaths } from '@keel/config';
import { createLogger, createMetrics, startOnBus } from '@keel/runtime';
import { createCapturingSink, InMemoryBusNetwork } from '@keel/testing';
import { ApiModule } from '../src/api.module';
import { WebServer } from '../src/service/web-server';

// The api service on the bus transport, its web server on a free loopback port: the module's
// health probe follows the states admin publishes.
let sut: INestMicroservice | undefined;
afterEach(async () => {
  await sut?.close();
  sut = undefined;
});

async function build() {
  const network = new InMemoryBusNetwork();
  const admin = network.connect({ source: { service: 'admin', node: 'node1' } });
  sut = await startOnBus(
    ApiModule.forRoot({
      settings: {
        paths: nodePaths({}),
        natsUrl: 'nats://127.0.0.1:1',
        node: 'node1',
        listen: { host: '127.0.0.1', port: 0 },
        webDir: '/nonexistent/keel-web',
        version: 'test',
      },
      bus: network.connect({ source: { service: 'api', node: 'node1' } }) as BusPort,
      logger: createLogger({ service: 'api', node: 'node1', sink: createCapturingSink() }),
      metrics: createMetrics({ service: 'api', node: 'node1' }),
    }),
    { logger: false },
  );
  const port = sut.get(WebServer).port;
  const get = async (module: string) => {
    const r = await fetch(`http://127.0.0.1:${port}/var/modules/${module}/ready.txt`);
    return `${r.status} ${(await r.text()).trim()}`;
  };
  const state = async (module: string, state: string, readiness: string) => {
    admin.publish(subjects.state(module), codecs.stateChange, {
      module,
      state: state as never,
      readiness: readiness as never,
      since: new Date().toISOString(),
    });
    await new Promise((r) => setImmediate(r));
  };
  const adminReady = async () => {
    admin.publish(subjects.presence('admin'), codecs.servicePresence, {
      service: 'admin',
      status: 'ready',
      pid: 1,
    });
    await new Promise((r) => setImmediate(r));
  };
  return { get, state, adminReady };
}

it('answers 503 until it heard admin, then 404 for a module that does not serve', async () => {
  const { get, adminReady } = await build();
  expect(await get('web')).toBe('503 NOT READY');
  await adminReady();
  expect(await get('web')).toBe('404 NOT FOUND');
});

it('answers 200 while the module serves, 404 again when it stops', async () => {
  const { get, state } = await build();
  await state('web', 'ALONE', 'Ready');
  expect(await get('web')).toBe('200 OK');
  await state('web', 'STOP', 'NotReady');
  expect(await get('web')).toBe('404 NOT FOUND');
});
