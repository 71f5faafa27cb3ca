// keel-admin: one process per node, running the module engine of every installed module. Reads
// its settings first (cluster.xml, this node's name, the modules under $KEEL_ETC), then starts
// like every node service (startNodeService): a configuration problem exits with 78.
import 'reflect-metadata';
import { NodeStartupError } from '@keel/config';
import { startNodeService } from '@keel/runtime';
import { AdminModule } from './admin.module';
import { resolveAdminSettings } from './settings';

void startNodeService({
  service: 'admin',
  settings: resolveAdminSettings,
  isConfigError: (err) => err instanceof NodeStartupError,
  module: (settings) => AdminModule.forRoot({ settings }),
});
