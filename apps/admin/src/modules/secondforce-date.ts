// The date of `secondforce -d <date>` (SafeKit guide §5.7.5): YYYY-MM-DD[Z],
// "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z]; with Z the date is UTC, else this node's
// local time. Pure but for the local time zone (the process's, as `date` on the node prints it).

export const SECONDFORCE_DATE_FORMATS = 'YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z]';

const FORM = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?(Z?)$/;

/** Seconds since the epoch, or the reason the text is not such a date. */
export function parseSecondforceDate(
  text: string,
  nowMs: number,
): { ok: true; seconds: number } | { ok: false; message: string } {
  const bad = (why: string) => ({
    ok: false as const,
    message: `-d '${text}' ${why}: give a date as ${SECONDFORCE_DATE_FORMATS} (Z: UTC, else local time)`,
  });
  const m = FORM.exec(text);
  if (!m) return bad('is not a date');
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Every field in range, and the day exists in that month (2026-02-30 is refused, not moved on).
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const exists =
    check.getUTCFullYear() === y &&
    check.getUTCMonth() === mo - 1 &&
    check.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60;
  if (!exists) return bad('does not exist');
  const ms = m[7] === 'Z' ? check.getTime() : new Date(y, mo - 1, d, h, mi, s).getTime();
  const seconds = Math.floor(ms / 1000);
  // Later than now: nothing would be copied but files of another size, surely a mistake.
  if (ms > nowMs) return bad('is in the future');
  return { ok: true, seconds };
}
