import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'I' | 'E' | 'V';

export interface LogEntry {
  readonly at: Date;
  readonly level: LogLevel;
  readonly text: string;
}

const LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) ([IEV]) (.*)$/;

/**
 * The module log (reference §6.4, §7.4): one line per event, `YYYY-MM-DD hh:mm:ss.mmm L text`
 * in UTC. Levels I and E make the normal log; V lines appear only in the verbose log.
 */
export class ModuleLog {
  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  write(entry: LogEntry): void {
    appendFileSync(this.file, `${stamp(entry.at)} ${entry.level} ${entry.text.replace(/\n/g, ' ')}\n`);
  }

  read(verbose: boolean): LogEntry[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .map((l) => LINE.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ at: new Date(`${m[1].replace(' ', 'T')}Z`), level: m[2] as LogLevel, text: m[3] }))
      .filter((e) => verbose || e.level !== 'V');
  }
}

export const stamp = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
export const formatEntry = (e: LogEntry) => `${stamp(e.at)} ${e.level} ${e.text}`;
