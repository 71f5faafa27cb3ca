import type { CommandLogEntry } from '@keel/config';

/** The node's commands log (adapters/command-log.ts: <KEEL_VAR>/commands.log). */
export interface CommandLogPort {
  record(entry: CommandLogEntry): void;
}
