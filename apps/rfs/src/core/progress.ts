// A reintegration's progress from the daemon's cumulative `stats` (pure): what `keel state -v`
// and the module log show (docs/decisions/0009, "Metrics").
import type { RfsEvent } from '@keel/bus';
import type { DaemonStats } from './daemon-events';

export type Progress = NonNullable<RfsEvent['progress']>;

/** The progress a stats event tells, or undefined when no reintegration ran in this daemon. */
export function progressOf(s: DaemonStats): Progress | undefined {
  if (s.rei_run === 0) return undefined;
  const bytesPerSecond = s.rei_ms > 0 ? Math.floor((s.rei_bytes_done * 1000) / s.rei_ms) : 0;
  const left = Math.max(0, s.rei_bytes_total - s.rei_bytes_done);
  const known = s.rei_bytes_total > 0 || s.rei_files_total > 0;
  return {
    running: s.rei_running,
    pass: s.rei_pass,
    filesDone: s.rei_files_done,
    filesTotal: s.rei_files_total,
    bytesDone: s.rei_bytes_done,
    bytesTotal: s.rei_bytes_total,
    copiedBytes: s.rei_copied_bytes,
    elapsedMs: s.rei_ms,
    bytesPerSecond,
    ...(s.rei_running && known && bytesPerSecond > 0 ? { etaSeconds: Math.ceil(left / bytesPerSecond) } : {}),
  };
}
