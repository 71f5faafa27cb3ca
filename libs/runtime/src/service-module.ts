// What a service module (heartbeat, rfs) wires the same way: the runtime logger and metrics, the
// node-local bus under the BUS token, and the answer to a metrics request on it. Tests give the module its logger, metrics and an
// in-memory bus; in production the global RuntimeModule of bootstrapService provides the first
// two, and the module connects its own bus when the application starts and closes it on shutdown.
import {
  Inject,
  Injectable,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
  type Type,
} from '@nestjs/common';
import { busFiles } from '@keel/config';
import { BUS, loadBusCredentialFile, NatsBus, type BusPort, type BusRole, type Source } from '@keel/bus';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import { metricsProviders } from './metrics-responder';
import { presenceProviders } from './presence';
import { LOGGER, RuntimeModule } from './runtime.module';
import { startupReportProviders, type StartupNote } from './startup-report';

/** The options of a service module besides its own. */
export interface ServiceModuleOptions {
  /**
   * The runtime logger and metrics registry. When absent, a global RuntimeModule must provide
   * them (bootstrapService does).
   */
  readonly logger?: Logger;
  readonly metrics?: Registry;
  /** Defaults to a NatsBus connected by the module; a bus given here is not closed by the module. */
  readonly bus?: BusPort;
}

/** The module's own RuntimeModule when it is given a logger and metrics; else none. */
export function runtimeImports(options: ServiceModuleOptions): DynamicModule[] {
  return options.logger && options.metrics
    ? [RuntimeModule.forRoot({ logger: options.logger, metrics: options.metrics })]
    : [];
}

export interface ServiceBusOptions {
  /** Provided as is and never closed by the module. */
  readonly bus?: BusPort;
  /** Where the module connects when no bus is given. */
  readonly url: string;
  /** Whom the connected bus speaks for. */
  readonly source: Source;
  /**
   * The service's bus credential (<etc>/bus/<role>.nk), read when the module connects; a missing
   * or group/world-readable file stops the start with a BusCredentialError naming it.
   */
  readonly credential: { readonly role: BusRole; readonly file: string };
}

const OWNED_BUS = Symbol.for('keel.runtime.owned-bus');

interface OwnedBus {
  bus: BusPort | undefined;
}

/**
 * Closes the bus the module connected itself. onApplicationShutdown comes after every
 * beforeApplicationShutdown, so the service has stopped using the bus by then.
 */
@Injectable()
class OwnedBusCloser implements OnApplicationShutdown {
  constructor(
    @Inject(OWNED_BUS) private readonly owned: OwnedBus,
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

/** BUS for one module's providers; bus errors that have no caller are logged as warnings. */
export function serviceBusProviders(options: ServiceBusOptions): Provider[] {
  const owned: OwnedBus = { bus: undefined };
  return [
    { provide: OWNED_BUS, useValue: owned },
    {
      provide: BUS,
      inject: [LOGGER],
      useFactory: async (logger: Logger): Promise<BusPort> => {
        if (options.bus) return options.bus;
        owned.bus = await NatsBus.connect({
          url: options.url,
          source: options.source,
          credential: loadBusCredentialFile(options.credential.file, options.credential.role),
          onError: (err, ctx) => logger.warn('bus error', { err, subject: ctx.subject }),
        });
        return owned.bus;
      },
    },
    OwnedBusCloser,
    ...presenceProviders(options.source),
    ...metricsProviders(options.source),
  ];
}

/** What a node service's Nest module is made of besides what every service shares. */
export interface NodeServiceModule {
  /** The class the dynamic module is for. */
  readonly module: Type<unknown>;
  /** The service, which is also its bus role (its credential is <etc>/bus/<role>.nk). */
  readonly role: BusRole;
  readonly settings: {
    readonly node: string;
    readonly natsUrl: string;
    readonly paths: { readonly etc: string };
  };
  /** Logged by the start-up report once the application is up. */
  readonly notes: readonly StartupNote[];
  /** A logger, metrics and bus given by tests; production connects and provides its own. */
  readonly options: ServiceModuleOptions;
  /** Where what the service receives from the bus arrives (@OnBusEvent, @OnBusRequest). */
  readonly controllers: readonly Type<unknown>[];
  /** The service's own providers: its ports, adapters and services. */
  readonly providers: readonly Provider[];
  readonly exports?: readonly (Type<unknown> | symbol)[];
}

/**
 * The module of a node service: its own parts, and what every service has the same way — the
 * runtime logger and metrics (given, or global from bootstrapService), the bus under BUS with the
 * service's credential, its presence, and the start-up report.
 */
export function nodeServiceModule(s: NodeServiceModule): DynamicModule {
  const { settings, role } = s;
  return {
    module: s.module,
    imports: runtimeImports(s.options),
    controllers: [...s.controllers],
    providers: [
      ...serviceBusProviders({
        bus: s.options.bus,
        url: settings.natsUrl,
        source: { service: role, node: settings.node },
        credential: { role, file: busFiles(settings.paths.etc).credential(role) },
      }),
      ...startupReportProviders(s.notes),
      ...s.providers,
    ],
    exports: [...(s.exports ?? []), BUS],
  };
}
