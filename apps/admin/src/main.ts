import { bootstrapService } from '@keel/runtime';
import { AdminModule } from './admin.module';

bootstrapService({ service: 'admin', module: AdminModule.forNode() }).catch(() => {
  process.exitCode = 1;
});
