// keel-heartbeat: one process per node, serving the heartbeats of every mirror module.
// Reads the settings first (cluster.xml, cluster key, this node's name, the modules under
// $KEEL_ETC), then starts like every keel service: a Nest application context (no HTTP) with
// the runtime logger and metrics, stopped cleanly on SIGTERM (timers cancelled, sockets closed,
// "stopping" announced on the bus). A configuration or key problem exits with 78 (EX_CONFIG).
import 'reflect-metadata';
import { bootstrapService } from '@keel/runtime';
import { HeartbeatModule } from './heartbeat.module';
import { SERVICE_NAME } from './service/heartbeat.service';
import { HeartbeatStartupError, resolveHeartbeatSettings, type HeartbeatSettings } from './settings';

function main(): void {
  let settings: HeartbeatSettings;
  try {
    settings = resolveHeartbeatSettings(process.env);
  } catch (err) {
    process.stderr.write(`keel-heartbeat: ${(err as Error).message}\n`);
    process.exitCode = err instanceof HeartbeatStartupError ? 78 : 70;
    return;
  }
  bootstrapService({
    service: SERVICE_NAME,
    module: HeartbeatModule.forRoot({ settings }),
    // Log lines and metrics carry the cluster.xml node name, however it was found.
    env: { ...process.env, KEEL_NODE: settings.node },
  }).catch(() => {
    process.exitCode = 1;
  });
}

main();
