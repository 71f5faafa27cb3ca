import { bootstrapService } from '@keel/runtime';
import { CheckersModule } from './checkers.module';

bootstrapService({ service: 'checkers', module: CheckersModule }).catch(() => {
  process.exitCode = 1;
});
