// SafeKit's degraded mode for keel (guide §5.7.3 locktimeout/sendtimeout, §5.7.5 "Degraded mode",
// reference acceptance 24; docs/decisions/0009 "Degraded"): pure decisions.
import type { RemoteState } from '@keel/engine';

/** The primary replicates without its secondary (component rfs); the peer's degraded_server rule reads it. */
export const DEGRADED_RESOURCE = 'rfs.degraded';

/**
 * keel-rfsd's words for a link that a live secondary did not keep up with: no acknowledgment
 * within the link timeout, or data the kernel could not send within it (keel-rfsd
 * src/send_timeout.rs).
 */
const TIMEOUTS = ['did not acknowledge within', 'did not take the data within'];

/** Whether a primary's link was lost because its secondary did not keep up (not because it left). */
export function isLinkTimeout(reason: string | undefined): boolean {
  return reason !== undefined && TIMEOUTS.some((t) => reason.includes(t));
}

/** A primary's secondary since its link first timed out, until it is in sync again. */
export interface SlowSecondary {
  /** When the link first timed out (the series ends at the next `synced`). */
  readonly since: number;
  /** A secondary is connected again since the last loss (it is catching up). */
  readonly rejoined: boolean;
}

/**
 * Whether the primary goes on degraded now: its secondary, still a secondary by the heartbeats
 * (a node that went away is the heartbeats' business, and one that returns reintegrates as
 * usual), has not been in sync for `locktimeout` since its link first timed out, and is not
 * connected catching up (a long reintegration is not a failure; a link that times out again
 * once the bound has passed is).
 */
export function degradesNow(
  slow: SlowSecondary | undefined,
  now: number,
  lockTimeoutMs: number,
  remote: RemoteState,
): boolean {
  if (slow === undefined || slow.rejoined) return false;
  if (remote === 'UNKNOWN' || remote.state !== 'SECOND') return false;
  return now - slow.since >= lockTimeoutMs;
}
