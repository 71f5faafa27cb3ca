// Nest wiring of the api service: the runtime logger and metrics, the node-local bus, the modules'
// states and the health probe server. Tests pass a bus, a logger and port 0.
import { Module, type DynamicModule } from '@nestjs/common';
import { nodeServiceModule, type ServiceModuleOptions } from '@keel/runtime';
import { ModuleStates } from './core/module-states';
import { ApiController } from './service/api.controller';
import { PROBE_LISTEN, ProbeServer } from './service/probe-server';
import type { ApiSettings } from './settings';

export const SERVICE_NAME = 'api';

export interface ApiModuleOptions extends ServiceModuleOptions {
  readonly settings: ApiSettings;
}

@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    const { settings } = options;
    return nodeServiceModule({
      module: ApiModule,
      role: SERVICE_NAME,
      settings,
      notes: [],
      options,
      controllers: [ApiController],
      providers: [{ provide: PROBE_LISTEN, useValue: settings.listen }, ModuleStates, ProbeServer],
      exports: [ProbeServer],
    });
  }
}
