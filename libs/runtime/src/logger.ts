// Structured JSON-lines logger: one object per line with ts, level, service, node, msg and
// the caller's fields. Small on purpose; everything else reads these lines.
import { toLoggable } from './log-fields';
import { stdoutSink, type LogSink } from './log-sink';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (e.g. { module: 'web' }). */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly service: string;
  readonly node: string;
  /** Defaults to stdout. */
  readonly sink?: LogSink;
  /** Records below this level are dropped; defaults to info. */
  readonly level?: LogLevel;
  readonly now?: () => Date;
}

// Always set by the logger; a field of the same name is kept, but under "fields.<name>".
const RESERVED = new Set(['ts', 'level', 'service', 'node', 'msg']);

export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? stdoutSink;
  const now = options.now ?? (() => new Date());
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const base = { service: options.service, node: options.node };

  const make = (bound: LogFields): Logger => {
    const isLevelEnabled = (level: LogLevel) => LOG_LEVELS.indexOf(level) >= threshold;
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (!isLevelEnabled(level)) return;
      const record: Record<string, unknown> = { ts: now().toISOString(), level, ...base, msg };
      for (const [key, value] of Object.entries({ ...bound, ...fields })) {
        record[RESERVED.has(key) ? `fields.${key}` : key] = toLoggable(value);
      }
      try {
        sink.write(JSON.stringify(record));
      } catch {
        // A broken stdout must not take the service down; there is nowhere left to report it.
      }
    };
    return {
      debug: (msg, fields) => emit('debug', msg, fields),
      info: (msg, fields) => emit('info', msg, fields),
      warn: (msg, fields) => emit('warn', msg, fields),
      error: (msg, fields) => emit('error', msg, fields),
      child: (fields) => make({ ...bound, ...fields }),
      isLevelEnabled,
    };
  };
  return make({});
}
