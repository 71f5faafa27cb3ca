import { bootstrapService } from '@keel/runtime';
import { AdminModule } from './admin.module';

void bootstrapService({ service: 'admin', module: AdminModule.forNode() });
