import type { LogCursor, LogEntry, LogPage, LogPageRequest } from '../ports/module-log.port';
import type { PlacedLine } from './backward-lines';
import { formatEntry, parseLine } from './log-line';

/** A line of the module log and the sequence number of the file it is in. */
export interface SourcedLine extends PlacedLine {
  readonly seq: number;
}

/** What one page may cost. */
export interface PageLimits {
  /** Characters of the page's lines as a JSON array (each line quoted and escaped). */
  readonly maxChars: number;
  /** Bytes of the log read for one page, lines skipped (V lines of a normal log) included. */
  readonly maxScanBytes: number;
}

/**
 * One page fits a bus reply (CommandResult.detail holds at most 65536 characters) with room for
 * its cursor; a page of the normal log in a log full of V lines stops after 4 MiB read.
 */
export const PAGE_LIMITS: PageLimits = { maxChars: 60_000, maxScanBytes: 4 * 1024 * 1024 };

/** The characters a line costs in the reply: quoted, escaped, and a comma. */
const cost = (line: string) => JSON.stringify(line).length + 1;

/**
 * The newest `count` entries of `lines` (newest first, as linesBackward reads them), within the
 * limits; `older` says where the next page starts, absent when nothing older remains. Lines that
 * are not entries (cut by a crash) are skipped; V entries only count for a verbose request.
 */
export function takePage(
  lines: Iterable<SourcedLine>,
  request: Pick<LogPageRequest, 'verbose' | 'count'>,
  limits: PageLimits = PAGE_LIMITS,
): LogPage {
  const taken: LogEntry[] = [];
  let chars = 2;
  let scanned = 0;
  const it = lines[Symbol.iterator]();
  const rest = (at: LogCursor): LogPage => ({
    entries: taken.reverse(),
    ...(it.next().done ? {} : { older: at }),
  });
  for (let r = it.next(); !r.done; r = it.next()) {
    const line = r.value;
    scanned += line.bytes;
    const entry = parseLine(line.text);
    if (entry && (request.verbose || entry.level !== 'V')) {
      const fitted = taken.length === 0 ? fit(entry, limits.maxChars - chars) : entry;
      const c = cost(formatEntry(fitted));
      // This line is the first of the next page: it ends where that page reads from.
      if (chars + c > limits.maxChars)
        return { entries: taken.reverse(), older: { seq: line.seq, offset: line.start + line.bytes } };
      taken.push(fitted);
      chars += c;
      if (taken.length >= request.count) return rest({ seq: line.seq, offset: line.start });
    }
    if (scanned >= limits.maxScanBytes) return rest({ seq: line.seq, offset: line.start });
  }
  return { entries: taken.reverse() };
}

/** An entry alone too long for a page keeps the start of its text, marked as cut. */
function fit(entry: LogEntry, room: number): LogEntry {
  let text = entry.text;
  for (let c = cost(formatEntry(entry)); c > room && text.length > 0;) {
    text = `${text.slice(0, Math.max(0, Math.floor((text.length * room) / c) - 2))}…`;
    c = cost(formatEntry({ ...entry, text }));
    if (text.length === 1) break;
  }
  return text === entry.text ? entry : { ...entry, text };
}
