import { hostname } from 'node:os';
import { DynamicModule, Module } from '@nestjs/common';
import { DEFAULT_NATS_URL } from '@keel/bus';
import { busFiles } from '@keel/config';
import { KeelConfigModule } from '@keel/config/nest';
import { resolveNativeBinary, serviceBusProviders } from '@keel/runtime';
import { ProcessScriptRunner } from './adapters/process-script-runner';
import { ProcessFence } from './adapters/process-fence';
import { FENCE } from './ports/fence.port';
import { ADMIN_OPTIONS, AdminOptions, AdminService } from './admin.service';
import { clusterFile, keelDirs } from './paths';
import { SCRIPT_RUNNER } from './ports/script-runner.port';
import { NODE_REBOOT } from './ports/node-reboot.port';
import { CommandReboot } from './adapters/command-reboot';
import { machineBootedAt } from './adapters/boot-time';
import { moduleLogSettings } from './log/log-settings';

/** The admin service wired to the real world: the node's NATS server, processes, files. */
@Module({})
export class AdminModule {
  static forNode(env: Readonly<Record<string, string | undefined>> = process.env): DynamicModule {
    const dirs = keelDirs(env);
    const node = env.KEEL_NODE ?? hostname();
    const options: AdminOptions = {
      dirs,
      node,
      env,
      tickMs: 250,
      now: () => Date.now(),
      bootedAt: machineBootedAt(),
      moduleLog: moduleLogSettings(env),
    };
    return {
      module: AdminModule,
      imports: [KeelConfigModule.forRoot({ cluster: clusterFile(dirs), env })],
      providers: [
        { provide: ADMIN_OPTIONS, useValue: options },
        { provide: SCRIPT_RUNNER, useClass: ProcessScriptRunner },
        { provide: FENCE, useValue: new ProcessFence(resolveNativeBinary('keel-fence', env)) },
        { provide: NODE_REBOOT, useValue: new CommandReboot(env) },
        // Connected at start, closed once AdminService has stopped using it.
        ...serviceBusProviders({
          url: env.KEEL_NATS_URL ?? DEFAULT_NATS_URL,
          source: { service: 'admin', node },
          credential: { role: 'admin', file: busFiles(dirs.etc).credential('admin') },
        }),
        AdminService,
      ],
    };
  }
}
