// The replication bench's scratch directory: on the machine's disk (not a tmpfs: the disk is what
// P3-P6 measure), holding every directory, mount, daemon and configuration of one run. destroy()
// undoes all of it, latest first, even after a failure or an interrupt: daemons stopped, FUSE
// mounts detached, then the directory removed without crossing into any mount left behind.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { mountPoints, run, runChecked } from '../../lab/src/system';

export class Scratch {
  private readonly undo: { what: string; fn: () => Promise<void> | void }[] = [];
  private destroying: Promise<void> | undefined;

  private constructor(readonly root: string) {}

  /** A fresh directory `keel-bench-XXXXXX` under `base` (created if missing). */
  static create(base: string): Scratch {
    mkdirSync(base, { recursive: true });
    const s = new Scratch(mkdtempSync(join(base, 'keel-bench-')));
    mkdirSync(s.path('logs'));
    return s;
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** A directory under the scratch, created (with its parents). */
  dir(...parts: string[]): string {
    this.stillUp();
    const d = this.path(...parts);
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** Something destroy() must undo (run latest first). */
  onDestroy(what: string, fn: () => Promise<void> | void): void {
    if (this.destroying) {
      // Started while an interrupt was undoing the rest: undone at once, and the bench stops here.
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
      this.stillUp();
    }
    this.undo.push({ what, fn });
  }

  private stillUp(): void {
    if (this.destroying) throw new Error(`the bench was interrupted; ${this.root} is being removed`);
  }

  /** The file system the scratch is on, e.g. "ext4 (/dev/vda)", for the report. */
  async fileSystem(): Promise<string> {
    const r = await runChecked('findmnt', ['-n', '-o', 'FSTYPE,SOURCE', '-T', this.root]);
    const [type, source] = r.stdout.trim().split(/\s+/);
    return `${type} (${source})`;
  }

  /** Undoes everything; a second call (an interrupt meanwhile) waits for the first to finish. */
  destroy(): Promise<void> {
    this.destroying ??= this.undoAll();
    return this.destroying;
  }

  private async undoAll(): Promise<void> {
    for (const { what, fn } of this.undo.reverse()) {
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`bench: cleanup: ${what}: ${(err as Error).message}\n`);
      }
    }
    // Whatever is still mounted beneath (a daemon killed -9 leaves its FUSE mount), deepest first.
    const under = mountPoints()
      .filter((m) => m === this.root || m.startsWith(this.root + '/'))
      .sort((a, b) => b.length - a.length);
    for (const m of under) await run('umount', ['-l', m]);
    // --one-file-system: a mount that could not be detached is left alone, never walked through.
    const rm = await run('rm', ['-rf', '--one-file-system', this.root], { timeoutMs: 600_000 });
    if (rm.code !== 0) process.stderr.write(`bench: cleanup: rm -rf ${this.root}: ${rm.stderr.trim()}\n`);
  }
}
