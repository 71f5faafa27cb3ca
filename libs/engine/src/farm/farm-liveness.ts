// Who is alive in a farm, as one node judges it (pure, time as input; docs/decisions/0017):
// the UP (Ready) nodes it has heard recently, itself included when it is UP (Ready). A follower
// is given up after `slostCount` pulses of silence, the leader after `mlostCount` (SafeKit's
// `<farm mlost_count slost_count>`, reference §5.5): followers wait longer before replacing a
// leader than a leader waits before dropping a follower, so a slow leader is not replaced for the
// silence that would drop a follower.
import { leaderOf } from './farm-view';

export interface FarmLivenessSettings {
  readonly self: string;
  readonly pulseMs: number;
  readonly mlostCount: number;
  readonly slostCount: number;
}

interface Peer {
  readonly ready: boolean;
  readonly at: number;
}

export interface FarmLiveness {
  readonly settings: FarmLivenessSettings;
  readonly selfReady: boolean;
  readonly peers: Readonly<Record<string, Peer>>;
  /** The leader as last judged (its silence is measured against mlostCount). */
  readonly leader: string | undefined;
}

export function initialLiveness(settings: FarmLivenessSettings): FarmLiveness {
  return { settings, selfReady: false, peers: {}, leader: undefined };
}

/** A peer's packet arrived: its readiness, at `now`. */
export function heard(l: FarmLiveness, node: string, ready: boolean, now: number): FarmLiveness {
  if (node === l.settings.self) return l;
  return judge({ ...l, peers: { ...l.peers, [node]: { ready, at: now } } }, now);
}

/** This node's own readiness changed (UP Ready or not). */
export function selfReady(l: FarmLiveness, ready: boolean, now: number): FarmLiveness {
  return judge({ ...l, selfReady: ready }, now);
}

/** Time passed: silent peers are given up. */
export function tick(l: FarmLiveness, now: number): FarmLiveness {
  return judge(l, now);
}

/** The UP (Ready) nodes alive at `now`, sorted, this node included when it is. */
export function liveMembers(l: FarmLiveness, now: number): string[] {
  const peers = Object.entries(l.peers)
    .filter(([node, p]) => p.ready && now - p.at <= silenceAllowed(l, node))
    .map(([node]) => node);
  return [...(l.selfReady ? [l.settings.self] : []), ...peers].sort();
}

/** When the next peer would be given up, if nothing is heard meanwhile. */
export function nextDeadline(l: FarmLiveness, now: number): number | undefined {
  const due = Object.entries(l.peers)
    .filter(([node, p]) => p.ready && now - p.at <= silenceAllowed(l, node))
    .map(([node, p]) => p.at + silenceAllowed(l, node) + 1);
  return due.length === 0 ? undefined : Math.min(...due);
}

function silenceAllowed(l: FarmLiveness, node: string): number {
  const { pulseMs, mlostCount, slostCount } = l.settings;
  return (node === l.leader ? mlostCount : slostCount) * pulseMs;
}

function judge(l: FarmLiveness, now: number): FarmLiveness {
  const leader = leaderOf(liveMembers(l, now));
  return leader === l.leader ? l : { ...l, leader };
}
