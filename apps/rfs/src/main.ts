import { bootstrapService } from '@keel/runtime';
import { RfsModule } from './rfs.module';

void bootstrapService({ service: 'rfs', module: RfsModule });
