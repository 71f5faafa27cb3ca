// How a reintegration's progress reads (pure): the value of the primary's rfs.reintegration
// resource (`keel state -v`) and its module-log line (docs/decisions/0009, "Metrics").
import type { RfsEvent } from '@keel/bus';

export type ReintegrationProgress = NonNullable<RfsEvent['progress']>;

/** A module-log line at most this often while a reintegration runs (and one at its end). */
export const PROGRESS_LOG_EVERY_MS = 10_000;

/** `1.5 MB`, `12.0 KB`, `3.2 GB`. */
export function size(bytes: number): string {
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function of(done: number, total: number, unit: (n: number) => string): string {
  return total > 0 ? `${unit(done)} of ${unit(total)}` : unit(done);
}

/**
 * `pass 1: 120 of 1000 files, 12.0 MB of 40.0 MB (30%), 5.1 MB/s, about 6 s left, 1.2 MB copied`;
 * at the end: `done in 8.0 s: 1000 files, 40.0 MB examined, 1.2 MB copied`.
 */
export function progressText(p: ReintegrationProgress): string {
  if (!p.running) {
    return `done in ${(p.elapsedMs / 1000).toFixed(1)} s: ${p.filesDone} files, ${size(p.bytesDone)} examined, ${size(p.copiedBytes)} copied`;
  }
  const files = `${of(p.filesDone, p.filesTotal, String)} files`;
  const percent =
    p.bytesTotal > 0 ? ` (${Math.min(100, Math.floor((p.bytesDone * 100) / p.bytesTotal))}%)` : '';
  const eta = p.etaSeconds === undefined ? '' : `, about ${p.etaSeconds} s left`;
  return `pass ${p.pass}: ${files}, ${of(p.bytesDone, p.bytesTotal, size)}${percent}, ${size(p.bytesPerSecond)}/s${eta}, ${size(p.copiedBytes)} copied`;
}
