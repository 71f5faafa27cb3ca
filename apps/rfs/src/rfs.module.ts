// Nest wiring of the rfs service: configuration values, runtime logger and metrics, the
// node-local bus and the daemon port. Every port can be replaced (tests pass fakes and twins).
import { Module, type DynamicModule } from '@nestjs/common';
import { nodeServiceModule, type ServiceModuleOptions } from '@keel/runtime';
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
    return nodeServiceModule({
      module: RfsModule,
      role: SERVICE_NAME,
      settings,
      notes: [
        ...settings.notes,
        ...(settings.plan.modules.length === 0
          ? [{ level: 'info' as const, message: 'no replicated module on this node' }]
          : []),
      ],
      options,
      controllers: [RfsController],
      providers: [
        { provide: RFS_PLAN, useValue: settings.plan },
        { provide: RFS_BINARY, useValue: settings.binary },
        { provide: RFS_OPTIONS, useValue: options.service ?? {} },
        { provide: RFS_DAEMONS, useValue: options.daemons ?? new ProcessDaemons() },
        RfsService,
      ],
      exports: [RfsService],
    });
  }
}
