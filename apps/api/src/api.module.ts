// Nest wiring of the api service: the runtime logger and metrics, the node-local bus, the modules'
// states, the credential files and the web server (health probes and REST API). Tests pass a bus,
// a logger and port 0.
import { Module, type DynamicModule } from '@nestjs/common';
import { nodeServiceModule, type ServiceModuleOptions } from '@keel/runtime';
import { FileCredentialStore } from '@keel/config';
import { ModuleEvents } from './core/module-events';
import { ModuleStates } from './core/module-states';
import { ModuleStateMetrics } from './metrics/module-state-metrics';
import { CREDENTIAL_STORE } from './ports/credential-store.port';
import { ApiController } from './service/api.controller';
import { API_SETTINGS, WebServer } from './service/web-server';
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
      providers: [
        { provide: API_SETTINGS, useValue: settings },
        { provide: CREDENTIAL_STORE, useValue: new FileCredentialStore(settings.webDir) },
        ModuleStates,
        ModuleStateMetrics,
        { provide: ModuleEvents, useValue: new ModuleEvents() },
        WebServer,
      ],
      exports: [WebServer],
    });
  }
}
