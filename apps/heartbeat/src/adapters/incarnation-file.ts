// Incarnations kept in a small file ($KEEL_VAR/heartbeat/incarnation), so they grow across
// restarts even when the wall clock was set back in between.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { nextIncarnation } from '../core/incarnation';
import type { IncarnationSource } from '../ports/incarnation.port';

export class FileIncarnationSource implements IncarnationSource {
  constructor(
    private readonly file: string,
    private readonly wallNow: () => number = Date.now,
    /** Told when the file cannot be written: the incarnation then only relies on the clock. */
    private readonly onWriteError: (err: Error) => void = () => undefined,
  ) {}

  async next(): Promise<number> {
    const incarnation = nextIncarnation(this.read(), this.wallNow());
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o755 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${incarnation}\n`, { mode: 0o644 });
      renameSync(tmp, this.file);
    } catch (err) {
      this.onWriteError(err as Error);
    }
    return incarnation;
  }

  private read(): number | undefined {
    try {
      const n = Number(readFileSync(this.file, 'utf8').trim());
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }
}

/** For tests: incarnations from a counter. */
export class CountingIncarnationSource implements IncarnationSource {
  constructor(private last = 0) {}
  async next(): Promise<number> {
    this.last += 1;
    return this.last;
  }
}
