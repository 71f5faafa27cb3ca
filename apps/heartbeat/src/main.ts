// keel-heartbeat: one process per node, serving the heartbeats of every mirror module.
// Reads the settings first (cluster.xml, cluster key, this node's name, the modules under
// $KEEL_ETC), then starts like every keel service: a Nest application context (no HTTP) with
// the runtime logger and metrics, stopped cleanly on SIGTERM (timers cancelled, sockets closed,
// "stopping" announced on the bus). A configuration or key problem exits with 78 (EX_CONFIG).
import 'reflect-metadata';
import { NodeStartupError } from '@keel/config';
import { startNodeService } from '@keel/runtime';
import { HeartbeatModule } from './heartbeat.module';
import { SERVICE_NAME } from './service/heartbeat.service';
import { resolveHeartbeatSettings } from './settings';

void startNodeService({
  service: SERVICE_NAME,
  settings: resolveHeartbeatSettings,
  isConfigError: (err) => err instanceof NodeStartupError,
  module: (settings) => HeartbeatModule.forRoot({ settings }),
});
