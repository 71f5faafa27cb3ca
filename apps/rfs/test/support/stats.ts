// A daemon `stats` event (keel-rfsd src/stats.rs) with every count at 0 but those given.
import type { DaemonStats } from '../../src/core/daemon-events';
import { ACK_BOUNDS_US } from '../../src/service/rfs.metrics';

export function stats(over: Partial<DaemonStats> = {}): DaemonStats {
  return {
    event: 'stats',
    live_ops: 0,
    live_bytes: 0,
    rei_ops: 0,
    rei_bytes: 0,
    pending_ops: 0,
    pending_bytes: 0,
    ack_le_us: [...ACK_BOUNDS_US],
    ack_buckets: [...ACK_BOUNDS_US.map(() => 0), 0],
    ack_sum_us: 0,
    dirty_files: 0,
    dirty_bytes: 0,
    rei_running: false,
    rei_run: 0,
    rei_pass: 0,
    rei_files_done: 0,
    rei_bytes_done: 0,
    rei_files_total: 0,
    rei_bytes_total: 0,
    rei_copied_files: 0,
    rei_copied_bytes: 0,
    rei_ms: 0,
    ...over,
  };
}

/** Cumulative bucket counts with `n` observations in bucket `i` and above. */
export function buckets(at: Record<number, number>): number[] {
  let sum = 0;
  return [...ACK_BOUNDS_US, Infinity].map((_, i) => (sum += at[i] ?? 0));
}
