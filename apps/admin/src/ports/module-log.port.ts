/** The levels of the module log: I and E make the normal log, V only the verbose one. */
export type LogLevel = 'I' | 'E' | 'V';

export interface LogEntry {
  readonly at: Date;
  readonly level: LogLevel;
  readonly text: string;
}

/**
 * A place in the module log: before byte `offset` of the file whose sequence number is `seq`.
 * Rotated files keep their number for good (the current file is the next number), so a cursor
 * stays valid while the log rotates between two pages.
 */
export interface LogCursor {
  readonly seq: number;
  readonly offset: number;
}

export interface LogPageRequest {
  /** Include the V lines. */
  readonly verbose: boolean;
  /** At most this many entries. */
  readonly count: number;
  /** Entries older than this place; the newest ones when absent. */
  readonly before?: LogCursor;
}

export interface LogPage {
  /** Oldest first; the newest entries before the requested place. */
  readonly entries: readonly LogEntry[];
  /** Where the next (older) page starts; absent once the oldest kept entry is in this page. */
  readonly older?: LogCursor;
}

/**
 * The module log of one module (reference §6.4, §7.4). Writing never loses a line; a page is
 * bounded in entries, in characters and in bytes read, whatever the size of the log.
 */
export interface ModuleLogPort {
  write(entry: LogEntry): void;
  page(request: LogPageRequest): LogPage;
}
