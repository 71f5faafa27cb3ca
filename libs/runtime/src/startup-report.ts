// What a service found worth saying while reading its settings (modules left out, derived ids,
// ...), logged once the application is up, through the runtime logger.
import { Inject, Injectable, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import type { Logger, LogLevel } from './logger';
import { LOGGER } from './runtime.module';

export interface StartupNote {
  readonly level: LogLevel;
  readonly message: string;
  /** Logged as the record's `module` field when given. */
  readonly module?: string;
}

const STARTUP_NOTES = Symbol.for('keel.runtime.startup-notes');

@Injectable()
class StartupReport implements OnApplicationBootstrap {
  constructor(
    @Inject(STARTUP_NOTES) private readonly notes: readonly StartupNote[],
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const note of this.notes) {
      if (note.module === undefined) this.logger[note.level](note.message);
      else this.logger[note.level](note.message, { module: note.module });
    }
  }
}

/**
 * Providers that log `notes` in order when the application bootstraps. Nest calls a module's
 * hooks in the order of its providers: listed before the service, the notes come before whatever
 * the service logs as it starts.
 */
export function startupReportProviders(notes: readonly StartupNote[]): Provider[] {
  return [{ provide: STARTUP_NOTES, useValue: notes }, StartupReport];
}
