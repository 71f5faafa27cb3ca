import { HandlerError, LogPageReply } from '@keel/bus';
import { decodeCursor, encodeCursor } from '../log/log-cursor';
import { formatEntry } from '../log/log-line';
import type { LogPage, LogPageRequest } from '../ports/module-log.port';

/** Entries of a `log` request without -s (SafeKit's `safekit log` prints the last 300). */
export const DEFAULT_LOG_COUNT = 300;

/** The page a `log` command asks for: `[-v] [-s <count>] [-b <cursor>]` (libs/bus log-page.ts). */
export function logPageRequest(args: readonly string[]): LogPageRequest {
  let verbose = false;
  let count = DEFAULT_LOG_COUNT;
  let before: LogPageRequest['before'];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    if (a === '-v') verbose = true;
    else if (a === '-s') {
      const v = args[(i += 1)];
      count = Number(v);
      if (v === undefined || !/^\d+$/.test(v) || !Number.isSafeInteger(count) || count < 1)
        throw new HandlerError(
          'BAD_ARGS',
          `log -s: expected a number of entries, at least 1 (got ${v ?? 'nothing'})`,
        );
    } else if (a === '-b') {
      const v = args[(i += 1)];
      before = v === undefined ? undefined : decodeCursor(v);
      if (!before)
        throw new HandlerError(
          'BAD_ARGS',
          `log -b: expected a cursor <seq>:<offset> (got ${v ?? 'nothing'})`,
        );
    } else
      throw new HandlerError(
        'BAD_ARGS',
        `log: unexpected argument ${a} (allowed: -v, -s <count>, -b <cursor>)`,
      );
  }
  return { verbose, count, ...(before ? { before } : {}) };
}

export const logPageReply = (page: LogPage): LogPageReply => ({
  lines: page.entries.map(formatEntry),
  ...(page.older ? { older: encodeCursor(page.older) } : {}),
});
