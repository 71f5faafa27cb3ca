import { DynamicModule, Module } from '@nestjs/common';
import { IssueSink } from '../errors';
import { checkModuleAgainstCluster } from '../relations/module-cluster';
import { ClusterConfig } from '../model/cluster';
import { loadClusterConfig, loadModuleConfig, LoadedModule } from '../load';

/** Injection tokens of the loaded configuration. */
export const CLUSTER_CONFIG = Symbol('keel.clusterConfig');
export const MODULE_CONFIG = Symbol('keel.moduleConfig');

export interface KeelConfigOptions {
  /** cluster.xml to load (required: every service needs the node list). */
  readonly cluster: string;
  /** The module's userconfig.xml, for services that serve one module. */
  readonly userconfig?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Loads cluster.xml (and a module's userconfig.xml, checked against it) once at start-up and
 * provides them to every service. An invalid configuration fails the start with the ConfigError,
 * whose message lists every located problem, so a service never runs on a half-read file.
 */
@Module({})
export class KeelConfigModule {
  static forRoot(options: KeelConfigOptions): DynamicModule {
    return {
      module: KeelConfigModule,
      global: true,
      providers: [
        { provide: CLUSTER_CONFIG, useFactory: () => loadClusterConfig(options.cluster) },
        {
          provide: MODULE_CONFIG,
          inject: [CLUSTER_CONFIG],
          useFactory: (cluster: ClusterConfig): LoadedModule | undefined => {
            if (options.userconfig === undefined) return undefined;
            const loaded = loadModuleConfig(options.userconfig, { env: options.env });
            const sink = new IssueSink();
            checkModuleAgainstCluster(loaded.config, cluster, sink);
            sink.throwIfAny();
            return loaded;
          },
        },
      ],
      exports: [CLUSTER_CONFIG, MODULE_CONFIG],
    };
  }
}
