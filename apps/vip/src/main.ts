import { bootstrapService } from '@keel/runtime';
import { VipModule } from './vip.module';

bootstrapService({ service: 'vip', module: VipModule }).catch(() => {
  process.exitCode = 1;
});
