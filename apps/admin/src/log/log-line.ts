import type { LogEntry, LogLevel } from '../ports/module-log.port';

const LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) ([IEV]) (.*)$/;

/** `YYYY-MM-DD hh:mm:ss.mmm` in UTC. */
export const stamp = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** One line of the module log, without its newline: `YYYY-MM-DD hh:mm:ss.mmm L text`. */
export const formatEntry = (e: LogEntry) => `${stamp(e.at)} ${e.level} ${e.text.replace(/\n/g, ' ')}`;

/** The entry a line holds, or undefined for a line that is not one (e.g. cut by a crash). */
export function parseLine(line: string): LogEntry | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  return { at: new Date(`${m[1].replace(' ', 'T')}Z`), level: m[2] as LogLevel, text: m[3] };
}
