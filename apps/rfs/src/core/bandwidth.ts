// SafeKit's rfs.rep_bandwidth and rfs.rei_bandwidth (guide §2.2 resources, §5.7.5 "Bandwidth"):
// on the primary, the replication's and the reintegration's writes in KB/s, averaged over the last
// 3 s (pure). Fed with the daemon's cumulative `live_bytes` and `rei_bytes` (frames on the wire,
// docs/decisions/0009 "Metrics"), which it reports only when they changed: a count not reported
// since is unchanged, so the meter is also read on a tick and falls to 0 three seconds after the
// last byte.

export const BANDWIDTH_WINDOW_MS = 3000;

export interface Bandwidth {
  /** Application changes replicated, KB/s. */
  readonly repKBps: number;
  /** Reintegration, KB/s. */
  readonly reiKBps: number;
}

interface Sample {
  readonly at: number;
  readonly live: number;
  readonly rei: number;
}

export class BandwidthMeter {
  /** Counts at each report, oldest first; the first is the daemon's start (0, 0). */
  private samples: Sample[];

  constructor(startedAt: number) {
    this.samples = [{ at: startedAt, live: 0, rei: 0 }];
  }

  /** A `stats` report at `at`: the daemon's counts since it started. */
  observe(at: number, liveBytes: number, reiBytes: number): void {
    this.samples.push({ at, live: liveBytes, rei: reiBytes });
  }

  /** The averages over the 3 s before `now`. */
  read(now: number): Bandwidth {
    const from = now - BANDWIDTH_WINDOW_MS;
    // The count at `from` is the last report at or before it; older ones are no longer needed.
    let base = 0;
    for (let i = 0; i < this.samples.length && this.samples[i]!.at <= from; i++) base = i;
    this.samples = this.samples.slice(base);
    const then = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const kbps = (bytes: number) => Math.max(0, Math.round(bytes / 1024 / (BANDWIDTH_WINDOW_MS / 1000)));
    return { repKBps: kbps(last.live - then.live), reiKBps: kbps(last.rei - then.rei) };
  }
}
