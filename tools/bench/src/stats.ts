// What a bench reports of its repetitions (pure): median, spread, and ratios measured in one run.

export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no measurement to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { runs: values.length, median, min: sorted[0] as number, max: sorted.at(-1) as number };
}

/**
 * keel's median over the anchor's, rounded to two decimals (below 1: keel is faster); null when the
 * anchor's median is 0 (no ratio to give).
 */
export function ratio(keel: Summary, anchor: Summary): number | null {
  if (anchor.median === 0) return null;
  return Math.round((keel.median / anchor.median) * 100) / 100;
}
