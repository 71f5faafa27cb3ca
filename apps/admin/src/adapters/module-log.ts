import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { linesBackward } from '../log/backward-lines';
import { beyondKept, currentSeq, filesBefore, mustRotate, rotatedName, rotatedSeqs } from '../log/log-files';
import { formatEntry } from '../log/log-line';
import { SourcedLine, takePage } from '../log/log-page';
import { DEFAULT_MODULE_LOG_SETTINGS, ModuleLogSettings } from '../log/log-settings';
import type { LogCursor, LogEntry, LogPage, LogPageRequest, ModuleLogPort } from '../ports/module-log.port';

/**
 * The module log in files: `<file>` and its rotated copies `<file>.<seq>` (log/log-files.ts).
 * A line goes whole into one file; rotation is a single rename of the current file, done before
 * the line that would take it past the size, then the deletion of the rotated files beyond those
 * kept: a crash at any point leaves every written line in exactly one file (at worst one rotated
 * file too many, deleted at the next rotation). Pages are read backwards from the end.
 */
export class FileModuleLog implements ModuleLogPort {
  private readonly dir: string;
  private readonly base: string;

  constructor(
    private readonly file: string,
    private readonly settings: ModuleLogSettings = DEFAULT_MODULE_LOG_SETTINGS,
  ) {
    this.dir = dirname(file);
    this.base = basename(file);
    mkdirSync(this.dir, { recursive: true });
    this.endCutLine();
  }

  write(entry: LogEntry): void {
    const line = `${formatEntry(entry)}\n`;
    if (mustRotate(this.size(this.file), Buffer.byteLength(line), this.settings.maxBytes)) this.rotate();
    appendFileSync(this.file, line);
  }

  page(request: LogPageRequest): LogPage {
    const opened: number[] = [];
    try {
      return takePage(this.linesBefore(request.before, opened), request);
    } finally {
      opened.forEach((fd) => closeSync(fd));
    }
  }

  /** The lines before `before`, newest first, across the rotated files; opened files go in `opened`. */
  private *linesBefore(before: LogCursor | undefined, opened: number[]): Generator<SourcedLine> {
    const rotated = this.rotated();
    const current = currentSeq(rotated);
    for (const f of filesBefore(rotated, before)) {
      const file = f.seq === current ? this.file : join(this.dir, rotatedName(this.base, f.seq));
      if (!existsSync(file)) continue;
      const size = this.size(file);
      const fd = openSync(file, 'r');
      opened.push(fd);
      const read = (position: number, length: number) => {
        const buf = Buffer.alloc(length);
        return buf.subarray(0, readSync(fd, buf, 0, length, position));
      };
      for (const l of linesBackward(read, f.end === 'size' ? size : Math.min(f.end, size)))
        yield { ...l, seq: f.seq };
    }
  }

  private rotate(): void {
    const rotated = this.rotated();
    const seq = currentSeq(rotated);
    renameSync(this.file, join(this.dir, rotatedName(this.base, seq)));
    for (const old of beyondKept([...rotated, seq], this.settings.keep))
      unlinkSync(join(this.dir, rotatedName(this.base, old)));
  }

  private rotated(): number[] {
    return rotatedSeqs(this.base, existsSync(this.dir) ? readdirSync(this.dir) : []);
  }

  private size(file: string): number {
    try {
      return statSync(file).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
  }

  /** A line cut by a crash gets its newline, so the next line starts on its own. */
  private endCutLine(): void {
    const size = this.size(this.file);
    if (size === 0) return;
    const fd = openSync(this.file, 'r');
    try {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) appendFileSync(this.file, '\n');
    } finally {
      closeSync(fd);
    }
  }
}
