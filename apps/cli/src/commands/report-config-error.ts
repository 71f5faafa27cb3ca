import { ConfigError } from '@keel/config';
import { CliIo, EXIT } from '../io';

/** Prints every located problem of an invalid configuration; returns the exit code (1). */
export function reportConfigError(e: unknown, io: CliIo): number {
  if (!(e instanceof ConfigError)) throw e;
  e.issues.forEach((i) => io.err(i.toString()));
  io.err(`${e.issues.length} error(s): configuration not valid`);
  return EXIT.invalid;
}
