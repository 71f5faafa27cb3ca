import { DynamicModule, INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { NestLoggerAdapter } from './nest-logger';
import { RuntimeModule } from './runtime.module';

export interface ServiceBootstrap {
  readonly service: string;
  /** The service's root Nest module. */
  readonly module: Type<unknown> | DynamicModule;
  /** This node's cluster.xml name, as the service's settings found it: on every log line and metric. */
  readonly node: string;
}

/**
 * Starts one keel service as a Nest application context (no HTTP unless the service adds it):
 * structured logger and per-service metrics registry provided globally, shutdown hooks so SIGTERM
 * closes the service cleanly. Every app's main.ts is one call to this.
 */
export async function bootstrapService(options: ServiceBootstrap): Promise<INestApplicationContext> {
  const { node } = options;
  const logger = createLogger({ service: options.service, node });
  const metrics = createMetrics({ service: options.service, node, processMetrics: true });

  @Module({ imports: [RuntimeModule.forRoot({ logger, metrics }), options.module] })
  class ServiceRoot {}

  // abortOnError off: a failed start (e.g. no bus) is reported and exits with a code, not a core dump.
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(ServiceRoot, {
      logger: new NestLoggerAdapter(logger),
      abortOnError: false,
    });
  } catch (e) {
    logger.error('service failed to start', { error: (e as Error).message });
    process.exitCode = 1;
    throw e;
  }
  app.enableShutdownHooks();
  logger.info('service started', { pid: process.pid });
  return app;
}
