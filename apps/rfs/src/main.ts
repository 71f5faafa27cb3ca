import { bootstrapService } from '@keel/runtime';
import { RfsModule } from './rfs.module';

bootstrapService({ service: 'rfs', module: RfsModule }).catch(() => {
  process.exitCode = 1;
});
