import { bootstrapService } from '@keel/runtime';
import { VipModule } from './vip.module';

void bootstrapService({ service: 'vip', module: VipModule });
