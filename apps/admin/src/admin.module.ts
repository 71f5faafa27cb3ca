import { DynamicModule, Module } from '@nestjs/common';
import { commandLogFile, type NodeEnv } from '@keel/config';
import { nodeServiceModule } from '@keel/runtime';
import { ProcessScriptRunner } from './adapters/process-script-runner';
import { ProcessFence } from './adapters/process-fence';
import { FENCE } from './ports/fence.port';
import { AdminController } from './admin.controller';
import { ADMIN_OPTIONS, AdminOptions, AdminService } from './admin.service';
import { SCRIPT_RUNNER } from './ports/script-runner.port';
import { NODE_REBOOT } from './ports/node-reboot.port';
import { CommandReboot } from './adapters/command-reboot';
import { machineBootedAt } from './adapters/boot-time';
import { systemClock } from './adapters/system-clock';
import { FileCommandLog } from './adapters/command-log';
import { resolveAdminSettings, type AdminSettings } from './settings';

export interface AdminModuleOptions {
  readonly settings: AdminSettings;
  /** Defaults to process.env: scripts inherit part of it, KEEL_REBOOT_COMMAND and KEEL_FENCE. */
  readonly env?: NodeEnv;
}

/** The admin service wired to the real world: the node's NATS server, processes, files. */
@Module({})
export class AdminModule {
  static forRoot({ settings, env = process.env }: AdminModuleOptions): DynamicModule {
    const options: AdminOptions = {
      settings,
      env,
      tickMs: 250,
      clock: systemClock,
      bootedAt: machineBootedAt(),
      commandLog: new FileCommandLog(commandLogFile(settings.paths.var)),
    };
    return nodeServiceModule({
      module: AdminModule,
      role: 'admin',
      settings,
      // Modules that cannot run, derived ids, ... (0015).
      notes: settings.notes,
      options: {},
      controllers: [AdminController],
      providers: [
        { provide: ADMIN_OPTIONS, useValue: options },
        { provide: SCRIPT_RUNNER, useClass: ProcessScriptRunner },
        { provide: FENCE, useValue: new ProcessFence(settings.fence) },
        { provide: NODE_REBOOT, useValue: new CommandReboot(env) },
        AdminService,
      ],
    });
  }

  /** The same, with the settings read from `env` (throws NodeStartupError). */
  static forNode(env: NodeEnv = process.env): DynamicModule {
    return AdminModule.forRoot({ settings: resolveAdminSettings(env), env });
  }
}
