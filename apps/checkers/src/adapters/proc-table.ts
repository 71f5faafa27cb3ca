// The node's processes from /proc (libs/procs). The scan is synchronous: a few milliseconds of
// CPU for a few hundred processes (docs/decisions/0020, errd), cheaper than as many asynchronous reads.
import { readProcessTable } from '@keel/procs';
import type { ProcessTablePort } from '../ports/process-table.port';

export const procTable: ProcessTablePort = {
  list: async (argvFor) => readProcessTable({ argvFor }),
};
