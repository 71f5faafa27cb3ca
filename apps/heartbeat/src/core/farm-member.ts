// One farm module's membership as this node follows it (pure, time as input; docs/decisions/0017):
// who is alive (libs/engine farm-liveness), the view this node follows, and — when this node is
// the leader — the view it makes. Inputs: an accepted packet of a peer, this node's own readiness,
// time passing. The service sends, publishes and arms timers from what it returns.
import {
  heard,
  initialLiveness,
  isNewer,
  leaderView,
  liveMembers,
  nextDeadline,
  selfReady,
  tick,
  type Allocate,
  type FarmLiveness,
  type FarmView,
} from '@keel/engine';
import type { FarmPacket } from '../wire/farm-packet';
import type { FarmModulePlan } from './farm-plan';

export interface FarmMember {
  readonly liveness: FarmLiveness;
  /** The view followed: made here while leading, else the newest heard from a leader. */
  readonly view: FarmView | undefined;
  /** The highest epoch seen in any packet: a view made here goes above it. */
  readonly seenEpoch: number;
  /**
   * Until then (mlost_count pulses after this start) this node makes no view: it listens. A
   * restarted heartbeat that led at once, alone, would take every bucket from nodes it has not
   * heard yet, and its kernel would reset their clients' connections.
   */
  readonly quietUntil: number;
  /**
   * The leader whose load-balancing groups differ from this node's, while they do: this node
   * takes no share (the service steps out of the membership) rather than read another
   * configuration's tables as its own.
   */
  readonly groupsRefusedBy?: string;
}

export interface FarmStep {
  readonly member: FarmMember;
  /** The followed view changed (members, owners or leader): publish it; a leader sends it at once. */
  readonly changed: boolean;
  /** A leader's view this node refused, and why (to be said). */
  readonly refused?: string;
}

export function initialMember(plan: FarmModulePlan, self: string, now: number): FarmMember {
  return {
    liveness: initialLiveness({
      self,
      pulseMs: plan.pulseMs,
      mlostCount: plan.mlostCount,
      slostCount: plan.slostCount,
    }),
    view: undefined,
    seenEpoch: 0,
    quietUntil: now + plan.mlostCount * plan.pulseMs,
  };
}

/** A peer's accepted packet. A view is taken only from the leader that made it. */
export function packetHeard(
  plan: FarmModulePlan,
  m: FarmMember,
  p: FarmPacket,
  now: number,
  allocate: Allocate,
): FarmStep {
  let view = m.view;
  let seenEpoch = Math.max(m.seenEpoch, p.seenEpoch);
  let refused: string | undefined;
  let groupsRefusedBy = m.groupsRefusedBy;
  if (p.view && p.view.leader === p.sender && p.view.groupsDigest !== plan.groupsDigest) {
    // Its tables are for other groups: this node serves nothing rather than guess.
    refused = `${p.sender}'s load-balancing groups differ from this node's (a configuration not applied everywhere)`;
    groupsRefusedBy = p.sender;
    view = undefined;
  } else if (p.view && p.view.leader === p.sender) {
    groupsRefusedBy = undefined;
    seenEpoch = Math.max(seenEpoch, p.view.epoch);
    const candidate = fromWire(plan, p.view);
    if (isNewer(candidate, view)) view = candidate;
  }
  const step = decide(
    plan,
    { ...m, liveness: heard(m.liveness, p.sender, p.ready, now), view, seenEpoch, groupsRefusedBy },
    m,
    now,
    allocate,
  );
  return refused === undefined ? step : { ...step, refused };
}

/** This node became UP (Ready) or stopped being it. */
export function ownReadiness(
  plan: FarmModulePlan,
  m: FarmMember,
  ready: boolean,
  now: number,
  allocate: Allocate,
): FarmStep {
  return decide(plan, { ...m, liveness: selfReady(m.liveness, ready, now) }, m, now, allocate);
}

/** Time passed: silent peers are given up. */
export function timePassed(plan: FarmModulePlan, m: FarmMember, now: number, allocate: Allocate): FarmStep {
  return decide(plan, { ...m, liveness: tick(m.liveness, now) }, m, now, allocate);
}

/** When this member must be looked at again if nothing is heard: a peer's silence, or the end of its quiet start. */
export function memberDeadline(m: FarmMember, now: number): number | undefined {
  const due = nextDeadline(m.liveness, now);
  const quiet = now < m.quietUntil ? m.quietUntil : undefined;
  return due === undefined ? quiet : quiet === undefined ? due : Math.min(due, quiet);
}

/** Whether this node makes the views now. */
export function leads(m: FarmMember, now: number): boolean {
  return m.liveness.selfReady && m.liveness.leader === m.liveness.settings.self && now >= m.quietUntil;
}

function decide(
  plan: FarmModulePlan,
  next: FarmMember,
  before: FarmMember,
  now: number,
  allocate: Allocate,
): FarmStep {
  let member = next;
  // The leader whose groups differed is gone: this node may ask for a share again.
  if (member.groupsRefusedBy !== undefined && member.liveness.leader !== member.groupsRefusedBy)
    member = { ...member, groupsRefusedBy: undefined };
  if (leads(member, now)) {
    const view = leaderView({
      leader: next.liveness.settings.self,
      members: liveMembers(member.liveness, now),
      previous: member.view,
      seenEpoch: member.seenEpoch,
      groups: plan.groups,
      allocate,
    });
    member = { ...member, view, seenEpoch: Math.max(member.seenEpoch, view.epoch) };
  } else if (member.liveness.leader === undefined && member.view !== undefined && now >= member.quietUntil) {
    // Nobody is UP (Ready), this node included: nothing is served, whatever the last view said.
    member = { ...member, view: undefined };
  }
  return { member, changed: member.view !== before.view };
}

function fromWire(plan: FarmModulePlan, v: NonNullable<FarmPacket['view']>): FarmView {
  // Groups travel by index; a leader with another group list (a configuration not yet applied
  // everywhere) gives no owners for the groups it does not have.
  const owners: Record<string, readonly (string | null)[]> = Object.create(null);
  plan.groups.forEach((g, i) => {
    const table = v.owners[i];
    if (table) owners[g.name] = table;
  });
  return { leader: v.leader, epoch: v.epoch, members: v.members, owners };
}

/** The view as the wire carries it (groups by configuration order). */
export function toWire(plan: FarmModulePlan, v: FarmView): NonNullable<FarmPacket['view']> {
  return {
    leader: v.leader,
    epoch: v.epoch,
    groupsDigest: plan.groupsDigest,
    members: v.members,
    owners: plan.groups.map(
      (g) =>
        (Object.hasOwn(v.owners, g.name) ? v.owners[g.name] : undefined) ??
        new Array<string | null>(256).fill(null),
    ),
  };
}
