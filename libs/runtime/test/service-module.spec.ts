// The wiring every service module shares: its own RuntimeModule when given a logger and metrics,
// the bus it is given (left open), the notes logged at start, and the start of a node service.
import { Inject, Injectable, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BUS, codecs, subjects, type BusPort } from '@keel/bus';
import { createCapturingSink, InMemoryBusNetwork } from '@keel/testing';
import type { Registry } from 'prom-client';
import {
  createLogger,
  createMetrics,
  LOGGER,
  METRICS_REGISTRY,
  runtimeImports,
  serviceBusProviders,
  startNodeService,
  startupReportProviders,
  type Logger,
} from '../src';

@Injectable()
class Probe {
  constructor(
    @Inject(BUS) readonly bus: BusPort,
    @Inject(LOGGER) readonly logger: Logger,
    @Inject(METRICS_REGISTRY) readonly metrics: Registry,
  ) {}
}

const source = { service: 'probe', node: 'node1' };
// Never read: these modules are given their bus.
const credential = { role: 'heartbeat', file: '/nonexistent/heartbeat.nk' } as const;
const serviceModule = (imports: DynamicModule[], providers: Provider[]): DynamicModule => {
  @Module({})
  class ServiceModule {}
  return { module: ServiceModule, imports, providers: [...providers, Probe] };
};

it('uses the logger, metrics and bus it is given, and leaves the bus open', async () => {
  const sink = createCapturingSink();
  const logger = createLogger({ service: 'probe', node: 'node1', sink });
  const metrics = createMetrics({ service: 'probe', node: 'node1' });
  const bus = new InMemoryBusNetwork().connect({ source });

  const app = await NestFactory.createApplicationContext(
    serviceModule(runtimeImports({ logger, metrics, bus }), [
      ...serviceBusProviders({ bus, url: 'nats://127.0.0.1:1', source, credential }),
    ]),
    { logger: false },
  );
  const probe = app.get(Probe);
  expect([probe.bus, probe.logger, probe.metrics]).toEqual([bus, logger, metrics]);
  await app.close();
  expect(() =>
    bus.publish(subjects.presence('probe'), codecs.servicePresence, {
      service: 'probe',
      status: 'ready',
      pid: 1,
    }),
  ).not.toThrow();
  await bus.close();
});

it('imports no RuntimeModule unless given both a logger and metrics', () => {
  expect(runtimeImports({})).toEqual([]);
  expect(runtimeImports({ logger: createLogger({ service: 'probe', node: 'node1' }) })).toEqual([]);
});

it('logs the startup notes in order once the application is up, with their module', async () => {
  const sink = createCapturingSink();
  const logger = createLogger({ service: 'probe', node: 'node1', sink });
  const metrics = createMetrics({ service: 'probe', node: 'node1' });
  const bus = new InMemoryBusNetwork().connect({ source });
  const app = await NestFactory.createApplicationContext(
    serviceModule(runtimeImports({ logger, metrics }), [
      ...serviceBusProviders({ bus, url: 'nats://127.0.0.1:1', source, credential }),
      ...startupReportProviders([
        { level: 'error', module: 'web', message: 'cannot load it' },
        { level: 'warn', message: 'nothing to serve' },
      ]),
    ]),
    { logger: false },
  );
  await app.close();
  await bus.close();
  expect(sink.records().map(({ level, msg, module }) => ({ level, msg, module }))).toEqual([
    { level: 'error', msg: 'cannot load it', module: 'web' },
    { level: 'warn', msg: 'nothing to serve', module: undefined },
  ]);
  expect(sink.records()[1]).not.toHaveProperty('module');
});

describe('startNodeService', () => {
  let stderr: string[];
  let stdout: string[];
  beforeEach(() => {
    stderr = [];
    stdout = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  const failing = (err: Error) => ({
    service: 'probe',
    settings: (): { node: string } => {
      throw err;
    },
    isConfigError: (e: unknown) => e instanceof RangeError,
    module: () => serviceModule([], []),
  });

  it('exits with 78 when the settings say the configuration is wrong', async () => {
    expect(await startNodeService(failing(new RangeError('cluster.xml: no such file')))).toBeUndefined();
    expect(stderr).toEqual(['keel-probe: cluster.xml: no such file\n']);
    expect(process.exitCode).toBe(78);
  });

  it('exits with 70 when reading the settings fails otherwise', async () => {
    await startNodeService(failing(new TypeError('x is undefined')));
    expect(stderr).toEqual(['keel-probe: x is undefined\n']);
    expect(process.exitCode).toBe(70);
  });

  it('starts the module built from the settings, logging under the node they name', async () => {
    const bus = new InMemoryBusNetwork().connect({ source });
    const app = await startNodeService({
      service: 'probe',
      env: { KEEL_NODE: 'box' },
      settings: (env) => ({ node: 'node7', from: env['KEEL_NODE'] }),
      isConfigError: () => true,
      module: (settings) => {
        expect(settings).toEqual({ node: 'node7', from: 'box' });
        return serviceModule([], serviceBusProviders({ bus, url: 'nats://127.0.0.1:1', source, credential }));
      },
    });
    expect(app).toBeDefined();
    expect(await app!.get(Probe).metrics.metrics()).toContain('node="node7"');
    await app!.close();
    await bus.close();
    expect(process.exitCode).toBeUndefined();
    const started = stdout.map((l) => JSON.parse(l)).find((l) => l.msg === 'service started');
    expect(started).toMatchObject({ service: 'probe', node: 'node7' });
  });
});
