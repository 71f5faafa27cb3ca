// Nest wiring of the rfs service: configuration values, runtime logger and metrics, the
// node-local bus and the daemon port. Every port can be replaced (tests pass fakes and twins).
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
import { ProcessDaemons } from './adapters/process-daemon';
import { RFS_DAEMONS, type RfsDaemonPort } from './ports/daemon.port';
import { RFS_BINARY, RFS_OPTIONS, RFS_PLAN } from './ports/tokens';
import { RfsService, SERVICE_NAME, type RfsServiceOptions } from './service/rfs.service';
import type { RfsSettings } from './settings';

export interface RfsModuleOptions {
  readonly settings: RfsSettings;
  /** The runtime logger and metrics registry; when absent a global RuntimeModule provides them. */
  readonly logger?: Logger;
  readonly metrics?: Registry;
  /** Defaults to NatsBus.connect(settings.natsUrl); a bus given here is not closed by the module. */
  readonly bus?: BusPort;
  /** Defaults to keel-rfsd child processes. */
  readonly daemons?: RfsDaemonPort;
  readonly service?: RfsServiceOptions;
}

const OWNED_BUS = Symbol.for('keel.rfs.owned-bus');
const REPORT = Symbol.for('keel.rfs.report');

/** Closes the bus the module connected itself, after the service has stopped its daemons. */
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

/** Logs, once the application is up, what the settings found worth saying. */
@Injectable()
class StartupReport implements OnApplicationBootstrap {
  constructor(
    @Inject(REPORT) private readonly report: { notes: RfsSettings['notes']; none: boolean },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const note of this.report.notes) this.logger[note.level](note.message, { module: note.module });
    if (this.report.none) this.logger.info('no replicated module on this node');
  }
}

@Module({})
export class RfsModule {
  static forRoot(options: RfsModuleOptions): DynamicModule {
    const { settings } = options;
    const owned: { bus: BusPort | undefined } = { bus: undefined };
    const providers: Provider[] = [
      { provide: CLUSTER_CONFIG, useValue: settings.cluster },
      { provide: RFS_PLAN, useValue: settings.plan },
      { provide: RFS_BINARY, useValue: settings.binary },
      { provide: RFS_OPTIONS, useValue: options.service ?? {} },
      { provide: REPORT, useValue: { notes: settings.notes, none: settings.plan.modules.length === 0 } },
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
      { provide: RFS_DAEMONS, useValue: options.daemons ?? new ProcessDaemons() },
      OwnedBusCloser,
      StartupReport,
      RfsService,
    ];
    return {
      module: RfsModule,
      imports:
        options.logger && options.metrics
          ? [RuntimeModule.forRoot({ logger: options.logger, metrics: options.metrics })]
          : [],
      providers,
      exports: [RfsService, BUS],
    };
  }
}
