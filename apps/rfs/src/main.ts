// keel-rfs: one process per node, controlling the replication of every mirror module with
// replicated directories (one keel-rfsd per module). Reads the settings first (cluster.xml, this
// node's name, the modules under $KEEL_ETC, the cluster key), then starts like every keel service;
// SIGTERM stops every daemon (they unmount) before the process exits. A configuration or key
// problem exits with 78 (EX_CONFIG).
import 'reflect-metadata';
import { NodeStartupError } from '@keel/config';
import { startNodeService } from '@keel/runtime';
import { RfsModule } from './rfs.module';
import { SERVICE_NAME } from './service/rfs.service';
import { resolveRfsSettings } from './settings';

void startNodeService({
  service: SERVICE_NAME,
  settings: resolveRfsSettings,
  isConfigError: (err) => err instanceof NodeStartupError,
  module: (settings) => RfsModule.forRoot({ settings }),
});
