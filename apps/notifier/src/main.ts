import { bootstrapService } from '@keel/runtime';
import { NotifierModule } from './notifier.module';

bootstrapService({ service: 'notifier', module: NotifierModule }).catch(() => {
  process.exitCode = 1;
});
