// Lets NestFactory log through the structured logger:
//   NestFactory.create(AppModule, { logger: new NestLoggerAdapter(logger) })
import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogFields, Logger, LogLevel } from './logger';

// Nest's verbose has no level of its own here; fatal is an error marked fatal.
const LEVEL_OF: Record<NestLogLevel, LogLevel> = {
  verbose: 'debug',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
};

const STACK = /\n\s+at .+/;

export class NestLoggerAdapter implements LoggerService {
  private enabled: ReadonlySet<NestLogLevel> | undefined;

  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest's own level switch; the logger's threshold still applies on top. */
  setLogLevels(levels: NestLogLevel[]): void {
    this.enabled = new Set(levels);
  }

  private write(nestLevel: NestLogLevel, message: unknown, params: unknown[]): void {
    if (this.enabled && !this.enabled.has(nestLevel)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...params];

    // Nest's convention: a trailing string is the context (the class that logged).
    if (
      rest.length > 0 &&
      typeof rest[rest.length - 1] === 'string' &&
      !STACK.test(rest[rest.length - 1] as string)
    ) {
      fields['context'] = rest.pop();
    }
    // error(message, stack?, context?): a remaining string that looks like a trace is the stack.
    if (nestLevel === 'error' || nestLevel === 'fatal') {
      const stackAt = rest.findIndex((p) => typeof p === 'string' && STACK.test(p));
      if (stackAt >= 0) fields['stack'] = rest.splice(stackAt, 1)[0];
    }
    if (nestLevel === 'fatal') fields['fatal'] = true;
    if (nestLevel === 'verbose') fields['verbose'] = true;
    if (rest.length > 0) fields['params'] = rest;

    const level = LEVEL_OF[nestLevel];
    if (message instanceof Error) {
      this.logger[level](message.message, { ...fields, err: message });
    } else if (typeof message === 'string') {
      this.logger[level](message, fields as LogFields);
    } else {
      this.logger[level]('nest', { ...fields, data: message });
    }
  }
}
