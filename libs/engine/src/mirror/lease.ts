// The lease arbiter in the mirror automaton (docs/decisions/0019). A node becomes primary only
// once it holds the module's lease: a transition to ALONE or PRIM first contends for it (the
// `acquire` effect) and waits, in the state it comes from, for the `held` answer; only then do the
// facts of a primary, the replication's primary role, the VIP and the start scripts follow. A
// primary that loses the lease leaves the role for WAIT (its writes were refused at the deadline
// and its application fenced by admin before this input arrives); the lease is released once the
// stop scripts, the VIP and the replication are gone. While waiting for the lease out of sight of
// its peer, a node that does not get it within the takeover bound takes it that the peer kept it
// and may have written alone: its copy is no longer up to date.
import { Effect, log } from '../module/effects';
import { emit, enter, Job, Step } from '../module/job';
import { isPrimary, ModuleState, Readiness, ScriptAction } from '../module/states';
import { MirrorCommandName, MirrorDraft, MirrorInput } from './mirror-types';

/** What this file borrows from the automaton (mirror-engine.ts). */
export interface LeaseHooks {
  beginStop(d: MirrorDraft, action: ScriptAction): void;
  setState(d: MirrorDraft, out: Effect[], state: ModuleState, readiness: Readiness): void;
}

/** Gives the lease up: the last step of leaving the primary role. */
export const releaseLease: Step = { kind: 'emit', effect: { kind: 'lease', op: 'release' } };

/** Commands that end a wait for the lease; others are refused while it lasts. */
const ENDS_THE_WAIT: readonly MirrorCommandName[] = ['stop', 'stopstart', 'shutdown', 'forcestop'];
/** Commands that end it in WAIT only (a new start there); a secondary keeps its role meanwhile. */
const ENDS_THE_WAIT_IN_WAIT: readonly MirrorCommandName[] = ['prim', 'primforce', 'second', 'secondforce'];

/** Whether the job is leaving the primary role: it gives the lease up by itself. */
export function releasesLease(job: Job | undefined): boolean {
  return (job?.steps ?? []).some((s) => s.kind === 'emit' && s.effect.kind === 'lease');
}

/** The `awaitLease` step: contend, then wait for the answer of this token. */
export function startLeaseWait(d: MirrorDraft, out: Effect[], job: Job, now: number): Job {
  const token = ++d.scriptSeq;
  out.push({ kind: 'lease', op: 'acquire', token });
  return { ...job, waiting: 'lease', token, leaseSince: now };
}

/**
 * What becoming primary means for the facts the node keeps and advertises: its data leads, and
 * alone it starts a generation of its own. Under an arbiter, only once the lease is held: a node
 * that waits in vain must not look newer than its peer.
 */
export function primaryFacts(d: MirrorDraft, from: ModuleState, to: ModuleState): void {
  if (to === 'ALONE') d.aloneFromSecond = from === 'SECOND';
  if (to !== 'ALONE') d.aloneFromSecond = false;
  if (isPrimary(to)) d.facts = { ...d.facts, uptodate: true, lastPrim: true };
  if (to === 'ALONE')
    d.facts = { ...d.facts, generation: Math.max(d.facts.generation, d.peer.generation) + 1 };
}

/**
 * Ends a wait for the lease: stops contending (`release`), and a node in WAIT chooses its role
 * again. Returns false when there was no such wait.
 */
export function dropLeaseWait(d: MirrorDraft, out: Effect[], now: number): boolean {
  if (d.job?.waiting !== 'lease') return false;
  d.job = undefined;
  out.push({ kind: 'lease', op: 'release' });
  if (d.state === 'WAIT') d.intent ??= { mode: 'start', since: now, fullsync: false };
  return true;
}

/**
 * A command while the node waits for the lease: a stop (or, in WAIT, a new start) ends the wait;
 * anything else is refused with why (it would wait behind a lease that may never come).
 */
export function leaseWaitRefuses(
  d: MirrorDraft,
  out: Effect[],
  name: MirrorCommandName,
  now: number,
): string | undefined {
  if (d.job?.waiting !== 'lease' || name === 'failover') return undefined;
  if (ENDS_THE_WAIT.includes(name) || (d.state === 'WAIT' && ENDS_THE_WAIT_IN_WAIT.includes(name))) {
    dropLeaseWait(d, out, now);
    return undefined;
  }
  return `${name} is refused while the module waits for the arbiter's lease`;
}

export function onLeaseInput(
  d: MirrorDraft,
  out: Effect[],
  input: Extract<MirrorInput, { kind: 'lease' }>,
  now: number,
  hooks: LeaseHooks,
): void {
  if (input.event === 'lost') return onLeaseLost(d, out, hooks, now);
  const job = d.job;
  // An answer to a wait that was given up, or replaced by a newer one, changes nothing: the
  // `release` that ended it reaches admin before any later `acquire`.
  if (job?.waiting !== 'lease' || job.token !== input.token) return;
  if (input.event === 'waiting') {
    if (d.state === 'WAIT') hooks.setState(d, out, 'WAIT', 'NotReady');
    return;
  }
  if (takeoverTooLate(d, job, now)) return giveUpTakeover(d, out, now, hooks);
  d.job = { ...job, waiting: undefined };
}

/** Time has passed: a wait out of sight of the peer that lasted beyond the bound is given up. */
export function judgeLeaseWait(d: MirrorDraft, out: Effect[], now: number, hooks: LeaseHooks): void {
  const job = d.job;
  if (job?.waiting === 'lease' && takeoverTooLate(d, job, now)) giveUpTakeover(d, out, now, hooks);
}

/**
 * The peer shows up as primary while this node waits for the lease: the peer holds it, so this
 * node stops contending; a node in WAIT chooses its role again (SECOND). A secondary whose copy
 * nothing has found behind is SECOND (Ready) again: a link that broke meanwhile is judged as
 * without an arbiter (admin, 0009), and its daemon rejoins by itself. One found behind (the
 * primary was heard going on alone) gets a new secondary daemon, which reintegrates whether or not
 * the old link broke: waiting for the old one to say `synced` could be waiting for ever.
 */
export function leaseWaitMeetsPrimary(d: MirrorDraft, out: Effect[], now: number, hooks: LeaseHooks): void {
  const r = d.remote;
  if (d.job?.waiting !== 'lease' || r === 'UNKNOWN' || !isPrimary(r.state)) return;
  out.push(log("The other node is primary: this node no longer contends for the arbiter's lease"));
  dropLeaseWait(d, out, now);
  if (d.state !== 'SECOND') return;
  if (d.facts.uptodate) return hooks.setState(d, out, 'SECOND', 'Ready');
  out.push(log('Replication interrupted: resynchronizing from the primary', 'E'));
  d.facts = { ...d.facts, uptodate: false, interrupted: true };
  d.job = {
    steps: [
      emit({ kind: 'replication', role: 'stopped', full: false }),
      emit({ kind: 'replication', role: 'secondary', full: false }),
      { kind: 'awaitReplication' },
      enter('SECOND', 'Ready'),
    ],
    waiting: undefined,
  };
}

/**
 * Out of sight of its peer, a node may take over only if it gets the lease within the bound after
 * it began to contend or last heard the peer, whichever is later: later, the peer must have
 * renewed it after that, and may have written alone since (0019, "the takeover bound").
 */
function takeoverTooLate(d: MirrorDraft, job: Job, now: number): boolean {
  const bound = d.settings.leaseArbiter?.takeoverWithinMs;
  if (bound === undefined || d.remote !== 'UNKNOWN') return false;
  const since = Math.max(job.leaseSince ?? now, d.peerLostAt ?? Number.NEGATIVE_INFINITY);
  return now - since >= bound;
}

function giveUpTakeover(d: MirrorDraft, out: Effect[], now: number, hooks: LeaseHooks): void {
  const seconds = Math.round((d.settings.leaseArbiter?.takeoverWithinMs ?? 0) / 100) / 10;
  out.push(
    log(
      `No lease from the arbiter within ${seconds} s while the other node is unheard of: it may be writing alone, this copy is no longer up to date`,
      'E',
    ),
  );
  dropLeaseWait(d, out, now);
  d.facts = { ...d.facts, uptodate: false };
  if (d.state === 'SECOND') {
    hooks.beginStop(d, 'stopwait');
    d.intent = { mode: 'start', since: now, fullsync: false };
  } else if (d.state === 'WAIT') hooks.setState(d, out, 'WAIT', 'NotReady');
}

/**
 * The primary lost its lease: it leaves the role for WAIT (a primary already on its way out goes on
 * as it was). Out of sight of its peer, or with the peer primary, the peer may serve from now on:
 * this node's data is then no longer up to date. Not counted by maxloop: the node did nothing
 * wrong, and it may only take the role back through the lease.
 */
function onLeaseLost(d: MirrorDraft, out: Effect[], hooks: LeaseHooks, now: number): void {
  if (!isPrimary(d.state) || releasesLease(d.job)) return;
  out.push(log('Action wait called by arbiter'));
  const r = d.remote;
  if ((r === 'UNKNOWN' || isPrimary(r.state)) && d.facts.uptodate) {
    out.push(log('Local data not up to date: the other node may serve once the lease is free'));
    d.facts = { ...d.facts, uptodate: false };
  }
  // Whatever the transition was doing (start scripts above all), it must not go on without the lease.
  d.job = undefined;
  hooks.beginStop(d, 'stopwait');
  d.intent = { mode: 'start', since: now, fullsync: false };
}
