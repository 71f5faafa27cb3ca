import 'reflect-metadata';
import { join } from 'node:path';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, ClusterConfig, LoadedModule } from '../src';
import { CLUSTER_CONFIG, KeelConfigModule, MODULE_CONFIG } from '../src/nest';
import { FIXTURES } from './fixture-files';

// The provider every keel service uses, in a real Nest application context.
@Injectable()
class NeedsConfig {
  constructor(
    @Inject(CLUSTER_CONFIG) readonly cluster: ClusterConfig,
    @Inject(MODULE_CONFIG) readonly module: LoadedModule | undefined,
  ) {}
}

async function boot(userconfig: string, cluster: string) {
  @Module({ imports: [KeelConfigModule.forRoot({ cluster, userconfig, env: {} })], providers: [NeedsConfig] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
}

test('injects the cluster and the module configuration', async () => {
  const app = await boot(
    join(FIXTURES, 'valid/mirror/userconfig.xml'),
    join(FIXTURES, 'valid/cluster-2lans.xml'),
  );
  try {
    const svc = app.get(NeedsConfig);
    expect(svc.cluster.nodes).toEqual(['node1', 'node2']);
    expect(svc.module!.config.mode).toBe('mirror');
  } finally {
    await app.close();
  }
});

test('refuses to start on a module that does not fit the cluster', async () => {
  const dir = join(FIXTURES, 'invalid/19-mirror-three-nodes');
  await expect(boot(join(dir, 'userconfig.xml'), join(dir, 'cluster.xml'))).rejects.toThrow(ConfigError);
});
