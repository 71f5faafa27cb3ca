// How `keel rfsdiff` and `keel rfsverify` read (pure; guide §5.7.5 "Verification", "Change
// estimate", §9.10; docs/decisions/0009 "rfsverify and rfsdiff").
import type { RfsQueryResult } from '@keel/bus';
import { size } from './reintegration-progress';

/** The most characters of differences listed (a command's detail holds 64 KiB). */
const MAX_TEXT = 60_000;

/** The exit code of `keel rfsverify` when the copies differ (0: identical, 1: not verified). */
export const VERIFY_DIFFER_EXIT = 3;

const MODES: Record<string, string> = {
  zones: 'the zones changed since the last synchronisation',
  compare: 'the files modified since the last synchronisation minus the grace delay',
  full: 'every file (no synchronisation recorded)',
};

/** `2 min 5 s`, `40 s`, `1 h 3 min`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** rfsdiff's answer: files, size to copy and the estimated duration, as three lines. */
export function diffText(r: RfsQueryResult): string {
  const mode = MODES[r.mode ?? ''] ?? r.mode ?? 'unknown';
  const lines = [
    `Modified files: ${r.files ?? 0}`,
    `Size to copy: ${size(r.bytes ?? 0)} (${r.bytes ?? 0} bytes; ${mode})`,
    r.seconds === undefined || r.rateBps === undefined
      ? 'Estimated synchronisation duration: unknown (no reintegration since the daemon started, and no reiallowedbw)'
      : `Estimated synchronisation duration: ${duration(r.seconds)} at ${size(r.rateBps)}/s`,
  ];
  if (r.partial) lines.push('Some directories could not be read: more may have to be copied');
  return lines.join('\n');
}

/**
 * rfsverify's answer, like a reintegration log: the directories compared, each entry of the
 * secondary that differs (its path under its replicated directory, what differs), the count.
 */
export function verifyText(r: RfsQueryResult, dirs: readonly string[]): string {
  const lines = dirs.map((d) => `Verifying directory tree ${d}`);
  let length = 0;
  let listed = 0;
  for (const d of r.differences ?? []) {
    const dir = dirs[d.dir] ?? `directory #${d.dir}`;
    const path = d.path === '' ? dir : `${dir}/${d.path}`;
    const line = `Differs: ${path} (${d.kind}: ${d.differs.join(', ')})`;
    // The answer travels in one bus reply: long paths are listed until it is full.
    if (length + line.length > MAX_TEXT) break;
    length += line.length + 1;
    listed += 1;
    lines.push(line);
  }
  const differ = r.differ ?? listed;
  if (differ > listed) lines.push(`... and ${differ - listed} more entries that differ`);
  lines.push(
    `Verification ${r.partial ? 'incomplete' : 'ended'}: ${r.files ?? 0} entries compared, ${differ} differ`,
  );
  return lines.join('\n');
}
