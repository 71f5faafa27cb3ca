// Nest wiring for the runtime helpers: inject the logger and the metrics registry by token.
//   imports: [RuntimeModule.forRoot({ logger, metrics })]
//   constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(LOGGER) log: Logger)
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';

export const LOGGER = Symbol.for('keel.runtime.logger');
export const METRICS_REGISTRY = Symbol.for('keel.runtime.metrics-registry');

export interface RuntimeModuleOptions {
  readonly logger: Logger;
  readonly metrics: Registry;
}

@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeModuleOptions): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: LOGGER, useValue: options.logger },
        { provide: METRICS_REGISTRY, useValue: options.metrics },
      ],
      exports: [LOGGER, METRICS_REGISTRY],
    };
  }
}
