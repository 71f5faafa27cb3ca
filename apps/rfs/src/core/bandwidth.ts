// SafeKit's bandwidth resources (guide §2.2 resources, §5.7.5 "Bandwidth"), averaged over the last
// 3 s in KB/s (pure): rfs.rep_bandwidth and rfs.rei_bandwidth on the primary, the replication's and
// the reintegration's writes, fed with the daemon's cumulative `live_bytes` and `rei_bytes` (its
// `stats`); rfs.netout_bandwidth (primary) and rfs.netin_bandwidth (secondary), the link's frames
// sent and received, fed with its `net` event's `out_bytes` and `in_bytes` (frames on the wire,
// docs/decisions/0009 "Metrics"). The daemon reports a count only when it changed: a count not
// reported since is unchanged, so the meter is also read on a tick and falls to 0 three seconds
// after the last byte.

export const BANDWIDTH_WINDOW_MS = 3000;

export interface Bandwidth {
  /** Application changes replicated, KB/s. */
  readonly repKBps: number;
  /** Reintegration, KB/s. */
  readonly reiKBps: number;
  /** The link's frames sent, KB/s. */
  readonly netoutKBps: number;
  /** The link's frames received, KB/s. */
  readonly netinKBps: number;
}

export const NO_BANDWIDTH: Bandwidth = { repKBps: 0, reiKBps: 0, netoutKBps: 0, netinKBps: 0 };

interface Counts {
  readonly live: number;
  readonly rei: number;
  readonly out: number;
  readonly in: number;
}

interface Sample extends Counts {
  readonly at: number;
}

export class BandwidthMeter {
  /** Counts at each report, oldest first; the first is the daemon's start (all 0). */
  private samples: Sample[];

  constructor(startedAt: number) {
    this.samples = [{ at: startedAt, live: 0, rei: 0, out: 0, in: 0 }];
  }

  private get last(): Sample {
    return this.samples[this.samples.length - 1]!;
  }

  /** A `stats` report at `at`: the daemon's counts since it started. */
  observe(at: number, liveBytes: number, reiBytes: number): void {
    this.samples.push({ ...this.last, at, live: liveBytes, rei: reiBytes });
  }

  /** A `net` report at `at`: the link's bytes since the daemon started. */
  observeNet(at: number, outBytes: number, inBytes: number): void {
    this.samples.push({ ...this.last, at, out: outBytes, in: inBytes });
  }

  /** The averages over the 3 s before `now`. */
  read(now: number): Bandwidth {
    const from = now - BANDWIDTH_WINDOW_MS;
    // The count at `from` is the last report at or before it; older ones are no longer needed.
    let base = 0;
    for (let i = 0; i < this.samples.length && this.samples[i]!.at <= from; i++) base = i;
    this.samples = this.samples.slice(base);
    const then = this.samples[0]!;
    const last = this.last;
    const kbps = (k: keyof Counts) =>
      Math.max(0, Math.round((last[k] - then[k]) / 1024 / (BANDWIDTH_WINDOW_MS / 1000)));
    return { repKBps: kbps('live'), reiKBps: kbps('rei'), netoutKBps: kbps('out'), netinKBps: kbps('in') };
  }
}
