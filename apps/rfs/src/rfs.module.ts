// Nest wiring of the rfs service: configuration values, runtime logger and metrics, the
// node-local bus and the daemon port. Every port can be replaced (tests pass fakes and twins).
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { BUS } from '@keel/bus';
import { busFiles } from '@keel/config';
import {
  runtimeImports,
  serviceBusProviders,
  startupReportProviders,
  type ServiceModuleOptions,
} from '@keel/runtime';
import { ProcessDaemons } from './adapters/process-daemon';
import { RFS_DAEMONS, type RfsDaemonPort } from './ports/daemon.port';
import { RFS_BINARY, RFS_OPTIONS, RFS_PLAN } from './ports/tokens';
import { RfsController } from './service/rfs.controller';
import { RfsService, SERVICE_NAME, type RfsServiceOptions } from './service/rfs.service';
import type { RfsSettings } from './settings';

/** Without a bus, the module connects to settings.natsUrl. */
export interface RfsModuleOptions extends ServiceModuleOptions {
  readonly settings: RfsSettings;
  /** Defaults to keel-rfsd child processes. */
  readonly daemons?: RfsDaemonPort;
  readonly service?: RfsServiceOptions;
}

@Module({})
export class RfsModule {
  static forRoot(options: RfsModuleOptions): DynamicModule {
    const { settings } = options;
    const providers: Provider[] = [
      { provide: RFS_PLAN, useValue: settings.plan },
      { provide: RFS_BINARY, useValue: settings.binary },
      { provide: RFS_OPTIONS, useValue: options.service ?? {} },
      ...serviceBusProviders({
        bus: options.bus,
        url: settings.natsUrl,
        source: { service: SERVICE_NAME, node: settings.node },
        credential: { role: 'rfs', file: busFiles(settings.paths.etc).credential('rfs') },
      }),
      { provide: RFS_DAEMONS, useValue: options.daemons ?? new ProcessDaemons() },
      // Once the application is up: what the settings found worth saying.
      ...startupReportProviders([
        ...settings.notes,
        ...(settings.plan.modules.length === 0
          ? [{ level: 'info' as const, message: 'no replicated module on this node' }]
          : []),
      ]),
      RfsService,
    ];
    return {
      module: RfsModule,
      imports: runtimeImports(options),
      controllers: [RfsController],
      providers,
      exports: [RfsService, BUS],
    };
  }
}
