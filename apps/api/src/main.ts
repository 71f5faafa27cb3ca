// keel-api: the node's web service: the modules' health probes (safekit-ops §16) for load
// balancers and the module checkers of other nodes, and the REST API (docs/decisions/0021).
// Reads the settings first, then starts like every keel service; a configuration problem exits
// with 78 (EX_CONFIG).
import 'reflect-metadata';
import { NodeStartupError } from '@keel/config';
import { startNodeService } from '@keel/runtime';
import { ApiModule, SERVICE_NAME } from './api.module';
import { resolveApiSettings } from './settings';

void startNodeService({
  service: SERVICE_NAME,
  settings: resolveApiSettings,
  isConfigError: (err) => err instanceof NodeStartupError,
  module: (settings) => ApiModule.forRoot({ settings }),
});
