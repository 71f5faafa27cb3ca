// One scan of the node's processes per due poll, shared by every module that polls then: errd's
// polls are aligned on multiples of their polltimer (module-errd.ts), so modules with the same
// polltimer ask at the same moment, and one that asks while a scan runs, or just after, gets it.
import type { Clock } from '@keel/runtime';
import type { ProcessEntry } from '@keel/procs';
import type { ProcessTablePort } from '../ports/process-table.port';

/** A scan this recent serves a poll of the same moment (timers fire a few ms apart). */
export const SHARED_FOR_MS = 500;

export class ProcessScans {
  private last: { readonly at: number; readonly table: readonly ProcessEntry[] } | undefined;
  private pending: Promise<readonly ProcessEntry[]> | undefined;

  constructor(
    private readonly port: ProcessTablePort,
    private readonly clock: Clock,
    /** Every module's selectors with an argregex: whose arguments the scan reads. */
    private readonly argvFor: (comm: string) => boolean,
  ) {}

  /** The node's processes now; rejects when they cannot be read. */
  table(): Promise<readonly ProcessEntry[]> {
    const now = this.clock.now();
    if (this.last && now - this.last.at < SHARED_FOR_MS) return Promise.resolve(this.last.table);
    if (!this.pending) {
      const scan = this.port.list(this.argvFor).then((table) => {
        this.last = { at: now, table };
        return table;
      });
      this.pending = scan;
      const clear = () => {
        if (this.pending === scan) this.pending = undefined;
      };
      scan.then(clear, clear);
    }
    return this.pending;
  }
}
