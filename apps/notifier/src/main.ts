import { bootstrapService } from '@keel/runtime';
import { NotifierModule } from './notifier.module';

void bootstrapService({ service: 'notifier', module: NotifierModule });
