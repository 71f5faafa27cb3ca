// keel-vip: one process per node, placing and withdrawing the virtual IPs of every mirror module
// of this node as admin asks (docs/decisions/0016). Reads the settings first (cluster.xml, this
// node's name, the modules under $KEEL_ETC), then starts like every keel service. A configuration
// problem exits with 78 (EX_CONFIG).
import 'reflect-metadata';
import { NodeStartupError } from '@keel/config';
import { startNodeService } from '@keel/runtime';
import { SERVICE_NAME } from './service/vip.service';
import { resolveVipSettings } from './settings';
import { VipModule } from './vip.module';

void startNodeService({
  service: SERVICE_NAME,
  settings: resolveVipSettings,
  isConfigError: (err) => err instanceof NodeStartupError,
  module: (settings) => VipModule.forRoot({ settings }),
});
