import { appendCommandLog, type CommandLogEntry } from '@keel/config';
import type { Logger } from '@keel/runtime';
import type { CommandLogPort } from '../ports/command-log.port';

/** The commands log in its file; a write that fails is logged and never fails the command. */
export class FileCommandLog implements CommandLogPort {
  constructor(
    private readonly file: string,
    private readonly logger?: Logger,
  ) {}

  record(entry: CommandLogEntry): void {
    try {
      appendCommandLog(this.file, entry);
    } catch (err) {
      const problem = (err as Error).message;
      if (this.logger) this.logger.error('the commands log cannot be written', { file: this.file, problem });
      else process.stderr.write(`keel admin: the commands log ${this.file} cannot be written: ${problem}\n`);
    }
  }
}
