// rfsdiff and rfsverify as the daemon answers them (pure): the control line that asks, and the
// events that answer folded into the reply to admin (docs/decisions/0009, "rfsverify and rfsdiff").
// rfsdiff is asked of a primary and answered by one `diff` event; rfsverify of a secondary, whose
// daemon reports each entry that differs (`verify-diff`) and then the end of the pass (`verified`).
// A `refused` event for the same request answers it too, as a failure.
import { MAX_RFS_DIFFERENCES, type RfsDifference, type RfsQueryResult } from '@keel/bus';
import type { DaemonEvent } from './daemon-events';

export type RfsQueryName = 'diff' | 'verify';

/** The role a query needs, and what a daemon of another role answers. */
export const QUERY_ROLE = { diff: 'primary', verify: 'secondary' } as const;

/** What a query gathered so far. */
export interface QueryState {
  readonly query: RfsQueryName;
  readonly differences: readonly RfsDifference[];
  /** Entries that differ beyond those kept. */
  readonly more: number;
}

export function startQuery(query: RfsQueryName): QueryState {
  return { query, differences: [], more: 0 };
}

/** The line written on the daemon's control pipe. */
export function queryLine(query: RfsQueryName): string {
  return `${query}\n`;
}

/** One daemon event: the query's next state, its reply once answered, or unchanged (not its). */
export function queryStep(
  s: QueryState,
  e: DaemonEvent,
): { readonly state: QueryState } | { readonly reply: RfsQueryResult } {
  if (e.event === 'refused' && e.request === s.query) return { reply: { ok: false, message: e.reason } };
  if (s.query === 'diff' && e.event === 'diff') {
    return {
      reply: {
        ok: true,
        mode: e.mode,
        files: e.files,
        bytes: e.bytes,
        ...(e.rate_bps === null ? {} : { rateBps: e.rate_bps }),
        ...(e.seconds === null ? {} : { seconds: e.seconds }),
        partial: e.partial,
      },
    };
  }
  if (s.query !== 'verify') return { state: s };
  if (e.event === 'verify-diff') {
    const d: RfsDifference = { dir: e.dir, path: e.path, kind: e.kind, differs: e.differs };
    return s.differences.length < MAX_RFS_DIFFERENCES
      ? { state: { ...s, differences: [...s.differences, d] } }
      : { state: { ...s, more: s.more + 1 } };
  }
  if (e.event === 'verified') {
    // Cut short (the link ended): no verdict.
    if (e.reason !== undefined) return { reply: { ok: false, message: e.reason } };
    return {
      reply: {
        ok: true,
        files: e.files,
        differ: e.differ,
        differences: [...s.differences],
        partial: !e.complete,
      },
    };
  }
  return { state: s };
}
