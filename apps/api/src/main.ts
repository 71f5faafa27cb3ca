import { bootstrapService } from '@keel/runtime';
import { ApiModule } from './api.module';

bootstrapService({ service: 'api', module: ApiModule }).catch(() => {
  process.exitCode = 1;
});
