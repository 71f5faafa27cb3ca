// keel-checkers: one process per node, running the checkers and errd of every module of this
// node (docs/decisions/0020). Reads the settings first (cluster.xml, this node's name, the
// modules under $KEEL_ETC), then starts like every keel service. A configuration problem exits
// with 78 (EX_CONFIG).
import 'reflect-metadata';
import { NodeStartupError } from '@keel/config';
import { startNodeService } from '@keel/runtime';
import { CheckersModule } from './checkers.module';
import { SERVICE_NAME } from './service/checkers.service';
import { resolveCheckersSettings } from './settings';

void startNodeService({
  service: SERVICE_NAME,
  settings: resolveCheckersSettings,
  isConfigError: (err) => err instanceof NodeStartupError,
  module: (settings) => CheckersModule.forRoot({ settings }),
});
