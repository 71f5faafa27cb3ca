// keel-rfs: one process per node, controlling the replication of every mirror module with
// replicated directories (one keel-rfsd per module). Reads the settings first (cluster.xml, this
// node's name, the modules under $KEEL_ETC, the cluster key), then starts like every keel service;
// SIGTERM stops every daemon (they unmount) before the process exits. A configuration or key
// problem exits with 78 (EX_CONFIG).
import 'reflect-metadata';
import { bootstrapService } from '@keel/runtime';
import { RfsModule } from './rfs.module';
import { SERVICE_NAME } from './service/rfs.service';
import { resolveRfsSettings, RfsStartupError, type RfsSettings } from './settings';

function main(): void {
  let settings: RfsSettings;
  try {
    settings = resolveRfsSettings(process.env);
  } catch (err) {
    process.stderr.write(`keel-rfs: ${(err as Error).message}\n`);
    process.exitCode = err instanceof RfsStartupError ? 78 : 70;
    return;
  }
  bootstrapService({
    service: SERVICE_NAME,
    module: RfsModule.forRoot({ settings }),
    env: { ...process.env, KEEL_NODE: settings.node },
  }).catch(() => {
    process.exitCode = 1;
  });
}

main();
