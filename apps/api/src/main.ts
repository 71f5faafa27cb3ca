// keel-api: the node's web service. Today it serves the modules' health probes (safekit-ops §16)
// for load balancers and the module checkers of other nodes; the REST and GraphQL API of issue 13
// will be served here too. Reads the settings first, then starts like every keel service; a
// configuration problem exits with 78 (EX_CONFIG).
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
