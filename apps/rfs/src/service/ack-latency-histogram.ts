// A Prometheus histogram fed with the daemon's cumulative bucket counts (keel-rfsd src/stats.rs)
// rather than with single observations, which prom-client's Histogram only takes. Counts add up
// across the daemons of a module (a new daemon starts from zero: its counts are added to the old).
import type { MetricValueWithName, Registry } from 'prom-client';

/** What the registry reads of a metric for its text exposition. */
export interface Exposed {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator: string;
  readonly values: MetricValueWithName<string>[];
}

interface Series {
  /** Upper bounds in seconds, as the daemon gave them. */
  bounds: number[];
  /** Cumulative counts, one per bound and one for +Inf. */
  counts: number[];
  sumSeconds: number;
}

export class AckLatencyHistogram {
  readonly name = 'keel_rfs_ack_latency_seconds';
  readonly help =
    'Time from sending an operation to the secondary to its acknowledgment (the primary daemon; fixed buckets)';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(registry: Registry) {
    registry.registerMetric(this as never);
  }

  /** A module's series, at 0, with the daemon's buckets. */
  declare(module: string, boundsUs: readonly number[]): void {
    if (!this.series.has(module)) this.series.set(module, empty(boundsUs));
  }

  /**
   * Adds what a daemon counted since its previous report: `delta` cumulative counts (same bounds)
   * and the seconds they sum to. Other bounds replace the series.
   */
  add(module: string, boundsUs: readonly number[], delta: readonly number[], sumSeconds: number): void {
    let s = this.series.get(module);
    const bounds = boundsUs.map((b) => b / 1e6);
    if (!s || s.bounds.length !== bounds.length || s.bounds.some((b, i) => b !== bounds[i])) {
      s = empty(boundsUs);
      this.series.set(module, s);
    }
    const series = s;
    delta.forEach((d, i) => (series.counts[i] = (series.counts[i] ?? 0) + d));
    series.sumSeconds += sumSeconds;
  }

  get(): Promise<Exposed> {
    const values: MetricValueWithName<string>[] = [];
    for (const [module, s] of this.series) {
      s.counts.forEach((value, i) => {
        const le = i < s.bounds.length ? String(s.bounds[i]) : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { module, le }, value });
      });
      values.push({ metricName: `${this.name}_sum`, labels: { module }, value: s.sumSeconds });
      values.push({
        metricName: `${this.name}_count`,
        labels: { module },
        value: s.counts[s.counts.length - 1] ?? 0,
      });
    }
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  reset(): void {
    for (const [module, s] of this.series) {
      this.series.set(module, { bounds: s.bounds, counts: s.counts.map(() => 0), sumSeconds: 0 });
    }
  }
}

function empty(boundsUs: readonly number[]): Series {
  return { bounds: boundsUs.map((b) => b / 1e6), counts: [...boundsUs.map(() => 0), 0], sumSeconds: 0 };
}
