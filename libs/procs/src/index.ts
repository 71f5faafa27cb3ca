export type { ProcessEntry } from './process-entry';
export { readProcessTable, parseStat, ProcTableError, type ScanOptions } from './proc-table';
export {
  argvNeededBy,
  commSelected,
  COMM_LENGTH,
  procSelector,
  selects,
  type ProcSelector,
} from './proc-selector';
