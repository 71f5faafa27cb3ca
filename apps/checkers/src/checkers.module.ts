// Nest wiring of the checkers service: its plan and places, the runtime logger and metrics, the
// node-local bus, the probes and the custom checker processes, and the clock. Every port can be
// replaced (tests pass twins).
import { Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, nodeServiceModule, systemClock, type Clock, type ServiceModuleOptions } from '@keel/runtime';
import { nodeProbes } from './adapters/node-probes';
import { spawnedCustom } from './adapters/spawned-custom';
import { CUSTOM_PROCESSES, type CustomProcessPort } from './ports/custom-process.port';
import { PROBES, type ProbePort } from './ports/probe.port';
import { CHECKERS_PLACES, CHECKERS_PLAN } from './ports/tokens';
import { CheckersController } from './service/checkers.controller';
import { CheckersService, SERVICE_NAME } from './service/checkers.service';
import type { CheckersSettings } from './settings';

/** Without a bus, the module connects to settings.natsUrl. */
export interface CheckersModuleOptions extends ServiceModuleOptions {
  readonly settings: CheckersSettings;
  readonly probes?: ProbePort;
  readonly customs?: CustomProcessPort;
  readonly clock?: Clock;
}

@Module({})
export class CheckersModule {
  static forRoot(options: CheckersModuleOptions): DynamicModule {
    const { settings } = options;
    return nodeServiceModule({
      module: CheckersModule,
      role: SERVICE_NAME,
      settings,
      notes: settings.notes,
      options,
      controllers: [CheckersController],
      providers: [
        { provide: CHECKERS_PLAN, useValue: settings.plan },
        { provide: CHECKERS_PLACES, useValue: { dirs: settings.paths, env: settings.env } },
        { provide: PROBES, useValue: options.probes ?? nodeProbes },
        { provide: CUSTOM_PROCESSES, useValue: options.customs ?? spawnedCustom },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        CheckersService,
      ],
      exports: [CheckersService],
    });
  }
}
