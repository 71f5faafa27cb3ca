// The node's processes for errd (reference §5.10), behind a port so the service's tests give
// their own table.
import type { ProcessEntry } from '@keel/procs';

export interface ProcessTablePort {
  /** Every live process; the arguments only of those whose command name `argvFor` accepts. Throws when /proc cannot be read. */
  list(argvFor: (comm: string) => boolean): Promise<readonly ProcessEntry[]>;
}

export const PROCESS_TABLE = Symbol.for('keel.checkers.processTable');
