// Nest wiring of the heartbeat service: configuration values, runtime logger and metrics, the
// node-local bus, the UDP transport, the clock and the incarnation file. Every port can be
// replaced (tests pass the in-memory twins).
import { Module, type DynamicModule } from '@nestjs/common';
import {
  CLOCK,
  LOGGER,
  nodeServiceModule,
  systemClock,
  type Clock,
  type Logger,
  type ServiceModuleOptions,
} from '@keel/runtime';
import { DgramTransport } from './adapters/dgram-transport';
import { FileIncarnationSource } from './adapters/incarnation-file';
import { INCARNATION_SOURCE, type IncarnationSource } from './ports/incarnation.port';
import { PROCESS_WATCH, type ProcessWatch } from './ports/process-watch.port';
import { systemProcessWatch } from './adapters/system-process-watch';
import { HEARTBEAT_KEY, HEARTBEAT_OPTIONS, HEARTBEAT_PLAN, HEARTBEAT_SETTINGS } from './ports/tokens';
import { UDP_TRANSPORT, type UdpTransport } from './ports/udp.port';
import { HeartbeatController } from './service/heartbeat.controller';
import { HeartbeatService, SERVICE_NAME, type HeartbeatServiceOptions } from './service/heartbeat.service';
import type { HeartbeatSettings } from './settings';
import { deriveHeartbeatKey } from './wire/key';

/** Without a bus, the module connects to settings.natsUrl. */
export interface HeartbeatModuleOptions extends ServiceModuleOptions {
  readonly settings: HeartbeatSettings;
  readonly transport?: UdpTransport;
  readonly clock?: Clock;
  readonly incarnations?: IncarnationSource;
  /** Defaults to signal 0 on the pid. */
  readonly processes?: ProcessWatch;
  readonly service?: HeartbeatServiceOptions;
}

@Module({})
export class HeartbeatModule {
  static forRoot(options: HeartbeatModuleOptions): DynamicModule {
    const { settings } = options;
    return nodeServiceModule({
      module: HeartbeatModule,
      role: SERVICE_NAME,
      settings,
      // What the settings found worth saying (modules left out, ...).
      notes: [
        ...settings.notes,
        ...(settings.plan.modules.length === 0 && settings.plan.farms.length === 0
          ? [{ level: 'warn' as const, message: 'no mirror or farm module of this node to serve' }]
          : []),
      ],
      options,
      controllers: [HeartbeatController],
      providers: [
        // The cluster model is read once before Nest starts (the node name is needed for the
        // logger), and offered under the config library's token.
        { provide: HEARTBEAT_SETTINGS, useValue: settings },
        { provide: HEARTBEAT_PLAN, useValue: settings.plan },
        { provide: HEARTBEAT_KEY, useFactory: () => deriveHeartbeatKey(settings.clusterKey) },
        { provide: HEARTBEAT_OPTIONS, useValue: options.service ?? {} },
        { provide: UDP_TRANSPORT, useValue: options.transport ?? new DgramTransport() },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: PROCESS_WATCH, useValue: options.processes ?? systemProcessWatch },
        {
          provide: INCARNATION_SOURCE,
          inject: [LOGGER],
          useFactory: (logger: Logger): IncarnationSource =>
            options.incarnations ??
            new FileIncarnationSource(settings.paths.incarnationFile, Date.now, (err) =>
              logger.warn('cannot record the incarnation; restarts rely on the wall clock', { err }),
            ),
        },
        HeartbeatService,
      ],
      exports: [HeartbeatService],
    });
  }
}
