import {
  DynamicModule,
  Module,
  Type,
  type INestMicroservice,
  type NestApplicationOptions,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BUS, type BusPort } from '@keel/bus';
import { BusServer } from './bus-transport';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { NestLoggerAdapter } from './nest-logger';
import { RuntimeModule } from './runtime.module';
import { SERVICE_PRESENCE, type ServicePresenceAnnouncer } from './presence';

export interface ServiceBootstrap {
  readonly service: string;
  /** The service's root Nest module. */
  readonly module: Type<unknown> | DynamicModule;
  /** This node's cluster.xml name, as the service's settings found it: on every log line and metric. */
  readonly node: string;
}

/**
 * Starts one keel service as a Nest microservice on keel's bus transport: structured logger and
 * per-service metrics registry provided globally, shutdown hooks so SIGTERM closes the service
 * cleanly. Every app's main.ts comes here (through startNodeService).
 */
export async function bootstrapService(options: ServiceBootstrap): Promise<INestMicroservice> {
  const { node } = options;
  const logger = createLogger({ service: options.service, node });
  const metrics = createMetrics({ service: options.service, node, processMetrics: true });

  @Module({ imports: [RuntimeModule.forRoot({ logger, metrics }), options.module] })
  class ServiceRoot {}

  let app: INestMicroservice;
  try {
    app = await startOnBus(ServiceRoot, { logger: new NestLoggerAdapter(logger) });
  } catch (e) {
    logger.error('service failed to start', { error: (e as Error).message });
    process.exitCode = 1;
    throw e;
  }
  app.enableShutdownHooks();
  logger.info('service started', { pid: process.pid });
  return app;
}

/**
 * The one start of a service on the bus, for production and tests alike: builds the application
 * (its bus connected by serviceBusProviders), runs its init and bootstrap hooks, subscribes its
 * @OnBusEvent / @OnBusRequest handlers, and only then says the service ready on
 * keel.v1.node.services — so whoever answers that presence finds the handlers listening.
 */
export async function startOnBus(
  root: Type<unknown> | DynamicModule,
  options: NestApplicationOptions = {},
): Promise<INestMicroservice> {
  // Asked for at listen, once the application below has built its bus.
  const server: BusServer = new BusServer((): BusPort => app.get<BusPort>(BUS, { strict: false }));
  // abortOnError off: a failed start (e.g. no bus) is reported and exits with a code, not a core dump.
  const app: INestMicroservice = await NestFactory.createMicroservice(root, {
    strategy: server,
    abortOnError: false,
    ...options,
  });
  try {
    await app.listen();
    app.get<ServicePresenceAnnouncer>(SERVICE_PRESENCE, { strict: false }).announce('ready');
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  return app;
}
