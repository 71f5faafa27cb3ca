// The rfs service's Prometheus metrics, in the service's own registry (@keel/runtime): what the
// primary daemons count (their `stats` events, cumulative per daemon) as counters that never go
// back when a daemon is replaced, gauges, and the acknowledgment-latency histogram; and which
// daemons run. Names and meanings: docs/decisions/0009, "Metrics".
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DaemonStats } from '../core/daemon-events';
import { AckLatencyHistogram } from './ack-latency-histogram';

/** keel-rfsd's LATENCY_BOUNDS_US (src/stats.rs): the buckets a module's histogram starts with. */
export const ACK_BOUNDS_US = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 5_000_000,
] as const;

export const ORIGINS = ['live', 'reintegration'] as const;
export const ROLES = ['primary', 'secondary'] as const;

/** A daemon's last counts, to add only what changed since. */
interface Seen {
  readonly pid: number | undefined;
  readonly stats: DaemonStats;
}

export class RfsMetrics {
  readonly ops: Counter<'module' | 'origin'>;
  readonly bytes: Counter<'module' | 'origin'>;
  readonly pendingOps: Gauge<'module'>;
  readonly pendingBytes: Gauge<'module'>;
  readonly dirtyFiles: Gauge<'module'>;
  readonly dirtyBytes: Gauge<'module'>;
  readonly reiRunning: Gauge<'module'>;
  readonly reiFiles: Gauge<'module' | 'of'>;
  readonly reiBytes: Gauge<'module' | 'of'>;
  readonly reiRate: Gauge<'module'>;
  readonly reiCopiedBytes: Counter<'module'>;
  readonly reiCopiedFiles: Counter<'module'>;
  readonly daemonUp: Gauge<'module' | 'role'>;
  readonly ackLatency: AckLatencyHistogram;
  private readonly seen = new Map<string, Seen>();

  constructor(registry: Registry) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Gauge<L>({ name, help, labelNames, registers });
    this.ops = counter(
      'keel_rfs_replicated_ops_total',
      'Operations the secondary acknowledged, by origin: live (the application) or reintegration',
      ['module', 'origin'],
    );
    this.bytes = counter(
      'keel_rfs_replicated_bytes_total',
      'Bytes on the wire (whole frames) of the operations the secondary acknowledged, by origin',
      ['module', 'origin'],
    );
    this.pendingOps = gauge('keel_rfs_pending_ops', 'Operations sent and not yet acknowledged', ['module']);
    this.pendingBytes = gauge('keel_rfs_pending_bytes', 'Bytes sent and not yet acknowledged', ['module']);
    this.dirtyFiles = gauge(
      'keel_rfs_dirty_files',
      'Files the zone record holds for the absent or returning secondary',
      ['module'],
    );
    this.dirtyBytes = gauge(
      'keel_rfs_dirty_bytes',
      'Bytes of the dirty zones recorded for the absent or returning secondary (files to copy whole not included)',
      ['module'],
    );
    this.reiRunning = gauge('keel_rfs_reintegration_running', '1 while a reintegration runs', ['module']);
    this.reiFiles = gauge(
      'keel_rfs_reintegration_files',
      'Regular files of the reintegration: of="done" examined by the walk, of="total" in the tree',
      ['module', 'of'],
    );
    this.reiBytes = gauge(
      'keel_rfs_reintegration_bytes',
      'Bytes of the regular files of the reintegration: of="done" examined by the walk, of="total" in the tree',
      ['module', 'of'],
    );
    this.reiRate = gauge(
      'keel_rfs_reintegration_bytes_per_second',
      'Bytes examined per second by the running (or last) reintegration',
      ['module'],
    );
    this.reiCopiedBytes = counter(
      'keel_rfs_reintegration_copied_bytes_total',
      'File data bytes the reintegrations sent (only the dirty zones or differing files)',
      ['module'],
    );
    this.reiCopiedFiles = counter(
      'keel_rfs_reintegration_copied_files_total',
      'Files the reintegrations copied (whole or their dirty zones)',
      ['module'],
    );
    this.daemonUp = gauge('keel_rfs_daemon_up', "1 while the module's keel-rfsd runs in that role", [
      'module',
      'role',
    ]);
    this.ackLatency = new AckLatencyHistogram(registry);
  }

  /** Every series of a module exists from the start, at 0. */
  declareModule(module: string): void {
    for (const origin of ORIGINS) {
      this.ops.inc({ module, origin }, 0);
      this.bytes.inc({ module, origin }, 0);
    }
    for (const g of [
      this.pendingOps,
      this.pendingBytes,
      this.dirtyFiles,
      this.dirtyBytes,
      this.reiRunning,
      this.reiRate,
    ])
      g.set({ module }, 0);
    for (const of of ['done', 'total']) {
      this.reiFiles.set({ module, of }, 0);
      this.reiBytes.set({ module, of }, 0);
    }
    this.reiCopiedBytes.inc({ module }, 0);
    this.reiCopiedFiles.inc({ module }, 0);
    for (const role of ROLES) this.daemonUp.set({ module, role }, 0);
    this.ackLatency.declare(module, ACK_BOUNDS_US);
  }

  /** A daemon of the module started (1) or exited (0) in `role`. */
  daemon(module: string, role: (typeof ROLES)[number], up: boolean): void {
    this.daemonUp.set({ module, role }, up ? 1 : 0);
    if (!up) {
      this.pendingOps.set({ module }, 0);
      this.pendingBytes.set({ module }, 0);
      this.reiRunning.set({ module }, 0);
    }
  }

  /** A daemon's `stats`: counters grow by what it counted since its last report. */
  record(module: string, pid: number | undefined, s: DaemonStats): void {
    const before = this.seen.get(module);
    const last = before && before.pid === pid ? before.stats : undefined;
    this.seen.set(module, { pid, stats: s });
    const d = (k: keyof DaemonStats) => Math.max(0, (s[k] as number) - ((last?.[k] as number) ?? 0));
    this.ops.inc({ module, origin: 'live' }, d('live_ops'));
    this.ops.inc({ module, origin: 'reintegration' }, d('rei_ops'));
    this.bytes.inc({ module, origin: 'live' }, d('live_bytes'));
    this.bytes.inc({ module, origin: 'reintegration' }, d('rei_bytes'));
    // A new reintegration in the same daemon counts its copies from zero again.
    const sameRei = last?.rei_run === s.rei_run;
    this.reiCopiedBytes.inc({ module }, sameRei ? d('rei_copied_bytes') : s.rei_copied_bytes);
    this.reiCopiedFiles.inc({ module }, sameRei ? d('rei_copied_files') : s.rei_copied_files);
    const lastBuckets = last?.ack_buckets ?? [];
    this.ackLatency.add(
      module,
      s.ack_le_us,
      s.ack_buckets.map((c, i) => Math.max(0, c - (lastBuckets[i] ?? 0))),
      d('ack_sum_us') / 1e6,
    );
    this.pendingOps.set({ module }, s.pending_ops);
    this.pendingBytes.set({ module }, s.pending_bytes);
    this.dirtyFiles.set({ module }, s.dirty_files);
    this.dirtyBytes.set({ module }, s.dirty_bytes);
    this.reiRunning.set({ module }, s.rei_running ? 1 : 0);
    this.reiFiles.set({ module, of: 'done' }, s.rei_files_done);
    this.reiFiles.set({ module, of: 'total' }, s.rei_files_total);
    this.reiBytes.set({ module, of: 'done' }, s.rei_bytes_done);
    this.reiBytes.set({ module, of: 'total' }, s.rei_bytes_total);
    this.reiRate.set({ module }, s.rei_ms > 0 ? Math.floor((s.rei_bytes_done * 1000) / s.rei_ms) : 0);
  }
}
