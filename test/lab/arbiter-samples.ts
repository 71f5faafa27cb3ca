// When a node accepted writes, from its probe's and its writer's results (test/fixtures/faults/
// lease-io.js), and whether two nodes did at the same sampled instant (docs/decisions/0019). Each
// success is stamped with CLOCK_MONOTONIC, shared by every lab node, right after its call returned
// (a late stamp only moves it later). Pure, so the judgement itself is tested (arbiter-samples.spec).

/** Two successes closer than this belong to one stretch of accepting writes. */
export const SAMPLE_GAP_MS = 100;
/** What one success stands for around its time: half the probe's period. */
export const SAMPLE_HALF_WIDTH_MS = 10;

export interface Stretches {
  readonly spans: readonly (readonly [number, number])[];
  readonly samples: number;
}

/** A node's successes (monotonic ms) as spans of time during which it accepted writes. */
export function stretches(times: readonly number[]): Stretches {
  const sorted = [...times].sort((a, b) => a - b);
  const spans: [number, number][] = [];
  for (const t of sorted) {
    const last = spans[spans.length - 1];
    if (last && t - SAMPLE_HALF_WIDTH_MS - last[1] <= SAMPLE_GAP_MS) last[1] = t + SAMPLE_HALF_WIDTH_MS;
    else spans.push([t - SAMPLE_HALF_WIDTH_MS, t + SAMPLE_HALF_WIDTH_MS]);
  }
  return { spans, samples: sorted.length };
}

/** The spans of time during which both nodes accepted writes. */
export function overlapping(a: Stretches, b: Stretches): [number, number][] {
  const out: [number, number][] = [];
  for (const [s1, e1] of a.spans)
    for (const [s2, e2] of b.spans) if (s1 < e2 && s2 < e1) out.push([Math.max(s1, s2), Math.min(e1, e2)]);
  return out;
}
