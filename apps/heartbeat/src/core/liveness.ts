// Liveness of one mirror module's peer (pure reducer; time is an input).
//
// Per LAN, the time of the last accepted packet. The LAN's resource heartbeat.<ident> is `up`
// while a packet arrived less than its timeout ago, `down` from then on; before the first
// packet it is `init` and goes `down` one timeout after watching started. The remote state is
// the latest announcement heard on any LAN (by incarnation, then sequence) while at least one
// LAN is up, UNKNOWN when none is. Only changes are emitted: LAN changes first, then the remote.
// The caller ticks at nextDeadline(); packets and ticks must come in time order.
import type { ModuleState, Readiness } from '@keel/bus';
import { isAfter, type Stamp } from './replay-guard';

export type LanStatus = 'init' | 'up' | 'down';

export interface LanConfig {
  /** cluster.xml LAN name. */
  readonly lan: string;
  /** Resource heartbeat.<ident>. */
  readonly ident: string;
  readonly timeoutMs: number;
}

export interface LanLiveness extends LanConfig {
  readonly lastRx: number | undefined;
  readonly status: LanStatus;
}

/** What the peer said in one packet. */
export interface Announcement extends Stamp {
  readonly state: ModuleState;
  readonly readiness: Readiness;
  readonly resources: ReadonlyMap<string, string>;
}

export type RemoteView =
  | { readonly known: false }
  | {
      readonly known: true;
      readonly state: ModuleState;
      readonly readiness: Readiness;
      readonly resources: ReadonlyMap<string, string>;
      readonly incarnation: number;
    };

export const UNKNOWN_REMOTE: RemoteView = { known: false };

export interface Liveness {
  /** When watching started: a LAN never heard from goes down one timeout later. */
  readonly since: number;
  readonly lans: readonly LanLiveness[];
  /** The latest announcement accepted on any LAN. */
  readonly last: Announcement | undefined;
  readonly remote: RemoteView;
}

export type LivenessEvent =
  | {
      readonly type: 'packet';
      readonly now: number;
      readonly lan: string;
      readonly announcement: Announcement;
    }
  | { readonly type: 'tick'; readonly now: number };

export type LivenessChange =
  | {
      readonly type: 'lan';
      readonly lan: string;
      readonly ident: string;
      readonly status: 'up' | 'down';
      readonly previous: LanStatus;
    }
  | { readonly type: 'remote'; readonly remote: RemoteView; readonly previous: RemoteView };

export interface LivenessStep {
  readonly liveness: Liveness;
  readonly changes: readonly LivenessChange[];
}

export function initialLiveness(lans: readonly LanConfig[], now: number): Liveness {
  return {
    since: now,
    lans: lans.map((l) => ({
      lan: l.lan,
      ident: l.ident,
      timeoutMs: l.timeoutMs,
      lastRx: undefined,
      status: 'init',
    })),
    last: undefined,
    remote: UNKNOWN_REMOTE,
  };
}

export function stepLiveness(state: Liveness, event: LivenessEvent): LivenessStep {
  const changes: LivenessChange[] = [];
  let last = state.last;
  let lans = state.lans;

  if (event.type === 'packet') {
    // An unknown LAN cannot happen (the service only feeds its own LANs); ignore it anyway.
    if (!lans.some((l) => l.lan === event.lan)) return { liveness: state, changes };
    lans = lans.map((l) => {
      if (l.lan !== event.lan) return l;
      if (l.status !== 'up')
        changes.push({ type: 'lan', lan: l.lan, ident: l.ident, status: 'up', previous: l.status });
      return { ...l, lastRx: event.now, status: 'up' as const };
    });
    if (last === undefined || isAfter(event.announcement, last)) last = event.announcement;
  }

  // Expiry happens on ticks only. A packet refreshes its own LAN and nothing else: after this
  // process was stalled, the datagrams queued meanwhile on the other LANs are read before the
  // next tick, so they are not declared down for a silence that was ours.
  if (event.type === 'tick') {
    lans = lans.map((l) => {
      if (l.status === 'down' || event.now < deadlineOf(state.since, l)) return l;
      changes.push({ type: 'lan', lan: l.lan, ident: l.ident, status: 'down', previous: l.status });
      return { ...l, status: 'down' as const };
    });
  }

  const remote = remoteOf(lans, last);
  if (!sameRemote(remote, state.remote)) changes.push({ type: 'remote', remote, previous: state.remote });
  return { liveness: { since: state.since, lans, last, remote }, changes };
}

/** When the next LAN would go down without a packet; undefined when every LAN is down. */
export function nextDeadline(state: Liveness): number | undefined {
  let next: number | undefined;
  for (const l of state.lans) {
    if (l.status === 'down') continue;
    const at = deadlineOf(state.since, l);
    if (next === undefined || at < next) next = at;
  }
  return next;
}

const deadlineOf = (since: number, l: LanLiveness): number => (l.lastRx ?? since) + l.timeoutMs;

function remoteOf(lans: readonly LanLiveness[], last: Announcement | undefined): RemoteView {
  if (last === undefined || !lans.some((l) => l.status === 'up')) return UNKNOWN_REMOTE;
  return {
    known: true,
    state: last.state,
    readiness: last.readiness,
    resources: last.resources,
    incarnation: last.incarnation,
  };
}

export function sameRemote(a: RemoteView, b: RemoteView): boolean {
  if (!a.known || !b.known) return a.known === b.known;
  return (
    a.state === b.state &&
    a.readiness === b.readiness &&
    a.incarnation === b.incarnation &&
    sameMap(a.resources, b.resources)
  );
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
