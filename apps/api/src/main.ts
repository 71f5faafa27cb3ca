import { bootstrapService } from '@keel/runtime';
import { ApiModule } from './api.module';

void bootstrapService({ service: 'api', module: ApiModule });
