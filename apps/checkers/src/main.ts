import { bootstrapService } from '@keel/runtime';
import { CheckersModule } from './checkers.module';

void bootstrapService({ service: 'checkers', module: CheckersModule });
