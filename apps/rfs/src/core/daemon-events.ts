// keel-rfsd's stdout: one JSON object per line. Parsing is total: a line that is not one of the
// contract's events is returned as a refusal (logged by the caller), never thrown, so a daemon
// printing something unexpected cannot take the service down.
import { z } from 'zod';

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Text = z.string().max(4096);

const DaemonEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('mounted') }),
  z.object({ event: z.literal('connected'), peer: z.string().min(1).max(300) }),
  z.object({ event: z.literal('reintegration'), full: z.boolean() }),
  z.object({ event: z.literal('synced'), files: Count, bytes: Count, ms: Count }),
  z.object({ event: z.literal('link-lost'), reason: Text }),
  // A secondary acknowledged a change it then could not apply: its copy is behind.
  z.object({ event: z.literal('behind'), reason: Text }),
  // The primary stopped replicating cleanly: everything it acknowledged is here.
  z.object({ event: z.literal('primary-stopped') }),
  z.object({ event: z.literal('error'), message: Text }),
  // rfsdiff on a primary: what a reintegration would send now (keel-rfsd src/diff.rs).
  z.object({
    event: z.literal('diff'),
    mode: z.string().max(16),
    files: Count,
    bytes: Count,
    rate_bps: Count.nullable(),
    seconds: Count.nullable(),
    partial: z.boolean(),
  }),
  // rfsverify on a secondary: an entry that differs, then the end of the pass (src/verify.rs).
  z.object({
    event: z.literal('verify-diff'),
    dir: z.number().int().nonnegative().max(255),
    path: Text,
    kind: z.string().max(16),
    differs: z.array(z.string().max(16)).max(8),
    errno: z.number().int().optional(),
  }),
  z.object({
    event: z.literal('verified'),
    files: Count,
    differ: Count,
    complete: z.boolean(),
    reason: Text.optional(),
  }),
  // A request of the control pipe the daemon cannot serve (src/control.rs).
  z.object({ event: z.literal('refused'), request: z.string().max(16), reason: Text }),
  // Bytes of the link's frames sent and received, cumulative (src/net.rs).
  z.object({ event: z.literal('net'), out_bytes: Count, in_bytes: Count }),
  // The primary's counters (keel-rfsd src/stats.rs), cumulative since the daemon started.
  z.object({
    event: z.literal('stats'),
    live_ops: Count,
    live_bytes: Count,
    rei_ops: Count,
    rei_bytes: Count,
    pending_ops: Count,
    pending_bytes: Count,
    // Upper bounds in µs and cumulative counts (one more: +Inf).
    ack_le_us: z.array(Count).min(1).max(64),
    ack_buckets: z.array(Count).min(2).max(65),
    ack_sum_us: Count,
    dirty_files: Count,
    dirty_bytes: Count,
    rei_running: z.boolean(),
    // Counts the reintegrations of this daemon: the rei_* counts start again with each.
    rei_run: Count,
    rei_pass: Count,
    rei_files_done: Count,
    rei_bytes_done: Count,
    rei_files_total: Count,
    rei_bytes_total: Count,
    rei_copied_files: Count,
    rei_copied_bytes: Count,
    rei_ms: Count,
  }),
]);

/** One event the daemon reported (unknown fields dropped). */
export type DaemonEvent = z.output<typeof DaemonEventSchema>;
export type DaemonStats = Extract<DaemonEvent, { event: 'stats' }>;

export type ParsedLine =
  { readonly ok: true; readonly event: DaemonEvent } | { readonly ok: false; readonly why: string };

export function parseDaemonLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  const parsed = DaemonEventSchema.safeParse(json);
  if (parsed.success) {
    const e = parsed.data;
    if (e.event === 'stats' && e.ack_buckets.length !== e.ack_le_us.length + 1)
      return { ok: false, why: 'ack_buckets: one count per bound, and one more for +Inf' };
    return { ok: true, event: e };
  }
  const issue = parsed.error.issues[0];
  return { ok: false, why: `${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}` };
}
