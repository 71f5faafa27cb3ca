import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { ModuleStateStore, StoredModule } from '../ports/state-store.port';

const EMPTY: StoredModule = { facts: {}, running: false, settings: {} };

/**
 * state.json, written atomically (temporary file, fsync, rename, fsync of the directory) so a crash leaves the old or the
 * new content, never a torn file. An unreadable file is reported, not silently reset: losing the
 * data facts could make a stale node believe it is up to date.
 */
export class StateStore implements ModuleStateStore {
  constructor(private readonly file: string) {}

  load(): StoredModule {
    if (!existsSync(this.file)) return EMPTY;
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StoredModule>;
    return {
      facts: parsed.facts ?? {},
      running: parsed.running ?? false,
      settings: parsed.settings ?? {},
      savedAt: parsed.savedAt,
    };
  }

  save(state: StoredModule): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(state, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    // The rename itself is durable only once the directory is (a crash could bring back the old
    // facts, e.g. a copy still "up to date").
    const dir = openSync(dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
