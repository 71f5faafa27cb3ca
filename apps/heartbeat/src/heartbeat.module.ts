// Nest wiring of the heartbeat service: configuration values, runtime logger and metrics, the
// node-local bus, the UDP transport, the clock and the incarnation file. Every port can be
// replaced (tests pass the in-memory twins).
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { BUS, NatsBus, type BusPort } from '@keel/bus';
import { CLUSTER_CONFIG } from '@keel/config/nest';
import { LOGGER, RuntimeModule, type Logger } from '@keel/runtime';
import type { Registry } from 'prom-client';
import { DgramTransport } from './adapters/dgram-transport';
import { FileIncarnationSource } from './adapters/incarnation-file';
import { systemClock } from './adapters/system-clock';
import { CLOCK, type Clock } from './ports/clock.port';
import { INCARNATION_SOURCE, type IncarnationSource } from './ports/incarnation.port';
import { HEARTBEAT_KEY, HEARTBEAT_OPTIONS, HEARTBEAT_PLAN, HEARTBEAT_SETTINGS } from './ports/tokens';
import { UDP_TRANSPORT, type UdpTransport } from './ports/udp.port';
import { HeartbeatService, SERVICE_NAME, type HeartbeatServiceOptions } from './service/heartbeat.service';
import type { HeartbeatSettings } from './settings';
import { deriveHeartbeatKey } from './wire/key';

export interface HeartbeatModuleOptions {
  readonly settings: HeartbeatSettings;
  /**
   * The runtime logger and metrics registry. When absent, a global RuntimeModule must provide
   * them (bootstrapService does).
   */
  readonly logger?: Logger;
  readonly metrics?: Registry;
  /** Defaults to NatsBus.connect(settings.natsUrl); a bus given here is not closed by the module. */
  readonly bus?: BusPort;
  readonly transport?: UdpTransport;
  readonly clock?: Clock;
  readonly incarnations?: IncarnationSource;
  readonly service?: HeartbeatServiceOptions;
}

const OWNED_BUS = Symbol.for('keel.heartbeat.owned-bus');

/** Closes the bus the module connected itself, after the service has stopped. */
@Injectable()
class OwnedBusCloser implements OnApplicationShutdown {
  constructor(
    @Inject(OWNED_BUS) private readonly owned: { bus: BusPort | undefined },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.owned.bus?.close();
    } catch (err) {
      this.logger.warn('closing the bus failed', { err });
    }
  }
}

/** Logs, once the application is up, what the settings found worth saying (modules left out, ...). */
@Injectable()
class StartupReport implements OnApplicationBootstrap {
  constructor(
    @Inject(HEARTBEAT_SETTINGS) private readonly settings: HeartbeatSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const note of this.settings.notes) this.logger[note.level](note.message, { module: note.module });
    if (this.settings.plan.modules.length === 0) this.logger.warn('no mirror module of this node to serve');
  }
}

@Module({})
export class HeartbeatModule {
  static forRoot(options: HeartbeatModuleOptions): DynamicModule {
    const { settings } = options;
    const owned: { bus: BusPort | undefined } = { bus: undefined };
    const providers: Provider[] = [
      // The cluster model is read once before Nest starts (the node name is needed for the
      // logger), and offered under the config library's token.
      { provide: CLUSTER_CONFIG, useValue: settings.cluster },
      { provide: HEARTBEAT_SETTINGS, useValue: settings },
      { provide: HEARTBEAT_PLAN, useValue: settings.plan },
      { provide: HEARTBEAT_KEY, useFactory: () => deriveHeartbeatKey(settings.clusterKey) },
      { provide: HEARTBEAT_OPTIONS, useValue: options.service ?? {} },
      { provide: OWNED_BUS, useValue: owned },
      {
        provide: BUS,
        inject: [LOGGER],
        useFactory: async (logger: Logger): Promise<BusPort> => {
          if (options.bus) return options.bus;
          owned.bus = await NatsBus.connect({
            url: settings.natsUrl,
            source: { service: SERVICE_NAME, node: settings.node },
            onError: (err, ctx) => logger.warn('bus error', { err, subject: ctx.subject }),
          });
          return owned.bus;
        },
      },
      { provide: UDP_TRANSPORT, useValue: options.transport ?? new DgramTransport() },
      { provide: CLOCK, useValue: options.clock ?? systemClock },
      {
        provide: INCARNATION_SOURCE,
        inject: [LOGGER],
        useFactory: (logger: Logger): IncarnationSource =>
          options.incarnations ??
          new FileIncarnationSource(settings.paths.incarnationFile, Date.now, (err) =>
            logger.warn('cannot record the incarnation; restarts rely on the wall clock', { err }),
          ),
      },
      OwnedBusCloser,
      StartupReport,
      HeartbeatService,
    ];
    return {
      module: HeartbeatModule,
      imports:
        options.logger && options.metrics
          ? [RuntimeModule.forRoot({ logger: options.logger, metrics: options.metrics })]
          : [],
      providers,
      exports: [HeartbeatService, BUS],
    };
  }
}
