/** Units a time-based attribute may carry (SafeKit 8.2.5+), with their length in microseconds. */
export const TIME_UNITS = { d: 86_400e6, h: 3_600e6, m: 60e6, s: 1e6, ms: 1e3, us: 1 } as const;
export type TimeUnit = keyof typeof TIME_UNITS;

export type DurationResult = { ok: true; value: number } | { ok: false; message: string };

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(d|h|m|s|ms|us)?\s*$/;

/**
 * Reads a time-based attribute into its implicit unit (the unit of its default value).
 * A value without unit is already in that unit (pre-8.2.5 files). Another unit is converted and
 * rounded to the nearest whole number, halves toward zero: the reference leaves the rounding open
 * but requires `500ms` to be refused for a seconds attribute, so 0.5 must round to 0. A
 * non-zero value that rounds to 0 is refused with SafeKit's own message.
 */
export function parseDuration(raw: string, attribute: string, unit: TimeUnit): DurationResult {
  const m = DURATION.exec(raw);
  if (!m) {
    return {
      ok: false,
      message: `invalid value '${raw}' for the attribute ${attribute} (expected a number with an optional unit d, h, m, s, ms or us; implicit unit: '${unit}')`,
    };
  }
  const amount = Number(m[1]);
  const given = (m[2] ?? unit) as TimeUnit;
  if (m[2] === undefined && !Number.isInteger(amount)) {
    return {
      ok: false,
      message: `invalid value '${raw}' for the attribute ${attribute} (a value without unit must be a whole number of '${unit}')`,
    };
  }
  const exact = (amount * TIME_UNITS[given]) / TIME_UNITS[unit];
  const value = Math.max(0, Math.ceil(exact - 0.5));
  if (!Number.isSafeInteger(value)) {
    return { ok: false, message: `invalid value '${raw}' for the attribute ${attribute} (too large)` };
  }
  // Zero must be written without a unit or in the implicit one, like any value that rounds to 0.
  if (value === 0 && (amount !== 0 || given !== unit)) {
    return {
      ok: false,
      message: `invalid value '${raw}' for the attribute ${attribute} (expected time unit: '${unit}')`,
    };
  }
  return { ok: true, value };
}
