// Nest wiring of the checkers service: its plan and places, the runtime logger and metrics, the
// node-local bus, the probes, the custom checker processes, errd's processes, units and handlers,
// and the clock. Every port can be replaced (tests pass twins).
import { Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, nodeServiceModule, systemClock, type Clock, type ServiceModuleOptions } from '@keel/runtime';
import { nodeProbes } from './adapters/node-probes';
import { procTable } from './adapters/proc-table';
import { spawnedCustom } from './adapters/spawned-custom';
import { spawnedHandler } from './adapters/spawned-handler';
import { systemctlUnits } from './adapters/systemctl-units';
import { CUSTOM_PROCESSES, type CustomProcessPort } from './ports/custom-process.port';
import { ERRD_HANDLERS, type ErrdHandlerPort } from './ports/errd-handler.port';
import { PROBES, type ProbePort } from './ports/probe.port';
import { PROCESS_TABLE, type ProcessTablePort } from './ports/process-table.port';
import { SYSTEMD_UNITS, type SystemdUnitsPort } from './ports/systemd-units.port';
import { CHECKERS_PLACES, CHECKERS_PLAN } from './ports/tokens';
import { CheckersController } from './service/checkers.controller';
import { CheckersService, SERVICE_NAME } from './service/checkers.service';
import type { CheckersSettings } from './settings';

/** Without a bus, the module connects to settings.natsUrl. */
export interface CheckersModuleOptions extends ServiceModuleOptions {
  readonly settings: CheckersSettings;
  readonly probes?: ProbePort;
  readonly customs?: CustomProcessPort;
  readonly processes?: ProcessTablePort;
  readonly units?: SystemdUnitsPort;
  readonly handlers?: ErrdHandlerPort;
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
        { provide: PROCESS_TABLE, useValue: options.processes ?? procTable },
        { provide: SYSTEMD_UNITS, useValue: options.units ?? systemctlUnits },
        { provide: ERRD_HANDLERS, useValue: options.handlers ?? spawnedHandler },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        CheckersService,
      ],
      exports: [CheckersService],
    });
  }
}
