import { Effect, log } from '../module/effects';
import { emit, enter, Job, scriptSteps, Step } from '../module/job';
import { countAutomaticAction, freshLoop, loopStatus } from '../module/maxloop';
import { restartPlan, scriptPlan } from '../module/script-plan';
import { isPrimary, ModuleState, RemoteState, ScriptAction } from '../module/states';
import {
  MirrorCommand,
  MirrorDraft,
  MirrorEngine,
  MirrorFacts,
  MirrorInput,
  MirrorSettings,
  NO_PEER,
  StartMode,
} from './mirror-types';
import {
  dropLeaseWait,
  judgeLeaseWait,
  LeaseHooks,
  leaseWaitMeetsPrimary,
  leaseWaitRefuses,
  onLeaseInput,
  primaryFacts,
  releaseLease,
  startLeaseWait,
} from './lease';
import { chooseRole } from './role';

export interface MirrorStep {
  readonly engine: MirrorEngine;
  readonly effects: readonly Effect[];
}

const FRESH_FACTS: MirrorFacts = {
  uptodate: false,
  synced: false,
  interrupted: false,
  lastPrim: false,
  fullsyncPeer: false,
  failover: undefined,
  generation: 0,
  failoverOffHold: false,
  loop: { count: 0, since: 0 },
};

/** A module stopped on this node, with what it remembers from before (or a first start). */
export function initialMirror(
  settings: MirrorSettings,
  now: number,
  facts: Partial<MirrorFacts> = {},
): MirrorEngine {
  return {
    settings,
    facts: { ...FRESH_FACTS, loop: freshLoop(now), ...facts },
    state: 'STOP',
    readiness: 'NotReady',
    remote: 'UNKNOWN',
    peer: NO_PEER,
    job: undefined,
    queue: [],
    intent: undefined,
    holds: [],
    gateOpen: true,
    aloneFromSecond: false,
    swapRequest: false,
    thenStart: undefined,
    scriptSeq: 0,
    splitBrainLogged: false,
    exitingAlone: false,
    isolationVerdict: 'init',
    isolationHoldLogged: false,
    peerAtLoss: undefined,
  };
}

type Draft = MirrorDraft;

/** What the lease arbiter's part of the automaton (lease.ts) does through this file. */
const leaseHooks: LeaseHooks = {
  beginStop: (d, action) => beginStop(d, action),
  setState: (d, out, state, readiness) => setState(d, out, state, readiness),
};

/**
 * The mirror automaton of one node (reference §3, scripts §6.5) as a pure reducer: the current
 * engine, one input and the time give the next engine and the effects to carry out in order.
 */
export function stepMirror(engine: MirrorEngine, input: MirrorInput, now: number): MirrorStep {
  const d: Draft = { ...engine };
  const out: Effect[] = [];
  switch (input.kind) {
    case 'command':
      onCommand(d, out, input.command, now);
      break;
    case 'peer':
      if (d.state === 'SECOND' && !remoteIs(d.remote, 'ALONE') && remoteIs(input.remote, 'ALONE'))
        primaryWentAlone(d, out);
      d.remote = input.remote;
      d.peer = input.remote === 'UNKNOWN' ? NO_PEER : { ...d.peer, ...input.facts };
      // Losing the peer opens a new possible split brain, to be logged when it heals.
      if (input.remote === 'UNKNOWN') d.splitBrainLogged = false;
      if (input.remote === 'UNKNOWN' && engine.remote !== 'UNKNOWN') {
        d.peerLostAt = now;
        d.peerAtLoss = engine.remote.state;
      }
      d.isolationHoldLogged = false;
      logRemote(engine.remote, input.remote, out);
      abandonOrphanReintegration(d, out, now);
      leaseWaitMeetsPrimary(d, out, now, leaseHooks);
      break;
    case 'scriptDone':
      // Only the script the job waits for moves it on; a late end of an abandoned one does not.
      if (d.job?.waiting === 'script' && d.job.token === input.token)
        d.job = { ...d.job, waiting: undefined };
      if (input.code !== 0) out.push(log(`Script ${input.name} exited with code ${input.code}`, 'E'));
      break;
    case 'replicationReady':
      if (d.job?.waiting === 'replication') d.job = { ...d.job, waiting: undefined };
      break;
    case 'replicationLost':
      onReplicationLost(d, out);
      break;
    case 'rule':
      onRule(d, out, input.action, input.rule, now);
      break;
    case 'rebootFailed':
      onRebootFailed(d, out, input.reason);
      break;
    case 'gate':
      d.gateOpen = input.open;
      break;
    case 'isolation':
      onIsolationVerdict(d, out, input.verdict);
      break;
    case 'loop':
      onLoop(d, out, input.op, input.by, now);
      break;
    case 'lease':
      onLeaseInput(d, out, input, now, leaseHooks);
      break;
    case 'tick':
      break;
  }
  advance(d, out, now);
  return { engine: d, effects: out };
}

/**
 * A secondary resynchronising from a primary that is gone will never finish: its data is
 * half-copied, so it leaves SECOND for WAIT and, marked interrupted, waits for a primary there.
 */
function abandonOrphanReintegration(d: Draft, out: Effect[], now: number): void {
  if (d.job?.waiting !== 'replication') return;
  const r = d.remote;
  if (r !== 'UNKNOWN' && isPrimary(r.state)) return;
  // Each of the taker's state changes may reach this node on its own heartbeat, SECOND Transient
  // before PRIM Transient; abandoning there would leave both nodes without a primary.
  if (d.job.handover && remoteIs(r, 'SECOND')) return;
  out.push(log('Reintegration interrupted: the primary is gone', 'E'));
  d.job = undefined;
  d.facts = { ...d.facts, interrupted: true, uptodate: false };
  beginStop(d, 'stopwait');
  d.intent = { mode: 'start', since: now, fullsync: false };
}

/**
 * The replication link broke while the primary may go on writing: this copy may fall behind, so
 * it is not fit to take over until it has resynchronised (SECOND Transient, no script runs). A
 * primary that stops cleanly says so first and does not come here; one that vanishes during the
 * resynchronisation leaves this node in WAIT, as any orphan reintegration does.
 */
function onReplicationLost(d: Draft, out: Effect[]): void {
  if (d.state !== 'SECOND') return;
  // Whatever runs now, this copy may lack what the primary acknowledged: never up to date again
  // before a reintegration ends.
  d.facts = { ...d.facts, uptodate: false, interrupted: true };
  if (d.job) return;
  out.push(log('Replication interrupted: resynchronizing from the primary', 'E'));
  startJob(d, [
    enter('SECOND', 'Transient'),
    emit({ kind: 'replication', role: 'secondary', full: false }),
    { kind: 'awaitReplication' },
    enter('SECOND', 'Ready'),
  ]);
}

/**
 * The primary went ALONE: it lost this node's heartbeats and may acknowledge changes without this
 * copy once its hold runs out (docs/decisions/0012). Heard by a node that was frozen, the packet
 * saying so may be read long after it was sent, and the primary may be gone by the next one: this
 * copy is behind from now on, whatever comes next (docs/decisions/0014).
 */
function primaryWentAlone(d: Draft, out: Effect[]): void {
  out.push(log('The primary went on alone: this copy is no longer up to date', 'E'));
  onReplicationLost(d, out);
}

function logRemote(before: RemoteState, after: RemoteState, out: Effect[]): void {
  const text = (r: RemoteState) => (r === 'UNKNOWN' ? 'UNKNOWN' : `${r.state} ${r.readiness}`);
  if (text(before) !== text(after)) out.push(log(`Remote state ${text(after)}`));
}

const failoverOn = (d: Draft) => d.facts.failover ?? d.settings.failover;
const remotePrimary = (r: RemoteState) => r !== 'UNKNOWN' && isPrimary(r.state) && r.readiness === 'Ready';
const remoteIs = (r: RemoteState, state: ModuleState) => r !== 'UNKNOWN' && r.state === state;

// ---------------------------------------------------------------------------------------------
// Commands

function reply(out: Effect[], c: MirrorCommand, ok: boolean, message: string): void {
  out.push({ kind: 'reply', id: c.id, ok, message });
}

function onCommand(d: Draft, out: Effect[], c: MirrorCommand, now: number): void {
  if (c.name === 'failover') {
    const on = c.args[0];
    if (on !== 'on' && on !== 'off') return reply(out, c, false, 'failover takes on or off');
    d.facts = { ...d.facts, failover: on === 'on' };
    out.push(log(`Action failover ${on} called by ${who(c)}`));
    return reply(out, c, true, `failover ${on}`);
  }
  // Nothing may queue behind a lease that may never come: a stop ends the wait, others are refused.
  const leaseWait = leaseWaitRefuses(d, out, c.name, now);
  if (leaseWait) return reply(out, c, false, leaseWait);
  if (c.name === 'forcestop') {
    out.push(log(`Action forcestop called by ${who(c)}`));
    d.queue = [];
    d.job = undefined;
    forceStop(d);
    return reply(out, c, true, 'forcestop');
  }
  // A stop cannot wait for a reintegration that may never end: it abandons it (the data is then
  // marked interrupted by beginStop).
  if (
    (c.name === 'stop' || c.name === 'stopstart' || c.name === 'shutdown') &&
    d.job?.waiting === 'replication'
  )
    d.job = undefined;
  const refusal = refuse(d, c);
  if (refusal) return reply(out, c, false, refusal);
  d.queue = [...d.queue, c];
  reply(out, c, true, `${c.name} accepted`);
}

/** Why a command cannot run now, judged against the state it will find (after queued work). */
function refuse(d: Draft, c: MirrorCommand): string | undefined {
  if (d.job || d.queue.length > 0) return undefined;
  const here = `${d.state} (${d.readiness})`;
  const arch = d.settings.architecture ?? 'mirror';
  if (arch !== 'mirror' && ['prim', 'second', 'swap', 'primforce', 'secondforce'].includes(c.name)) {
    return `${c.name} applies to mirror modules only; this is a ${arch} module`;
  }
  switch (c.name) {
    case 'start':
      return d.state === 'STOP' ? undefined : `the module is already started: ${here}`;
    case 'secondforce':
      if (secondforceSince(c.args) === undefined)
        return `secondforce takes a date in seconds since the epoch, not ${c.args.join(' ') || 'nothing'}`;
      return d.state === 'STOP' || d.state === 'WAIT'
        ? undefined
        : `${c.name} needs the module stopped or waiting, not ${here}`;
    case 'prim':
    case 'primforce':
    case 'second':
      return d.state === 'STOP' || d.state === 'WAIT'
        ? undefined
        : `${c.name} needs the module stopped or waiting, not ${here}`;
    case 'stop':
    case 'stopstart':
    case 'shutdown':
      return d.state === 'STOP' ? 'the module is already stopped' : undefined;
    case 'restart':
      if (restartServices(c.args) === undefined)
        return `restart takes no argument but -Services "<services>", not ${c.args.join(' ')}`;
      return d.readiness === 'Ready' && d.state !== 'STOP'
        ? undefined
        : `restart needs a Ready state, not ${here}`;
    case 'swap': {
      const pair =
        (d.state === 'PRIM' && remoteIs(d.remote, 'SECOND')) ||
        (d.state === 'SECOND' && remoteIs(d.remote, 'PRIM'));
      const ready = d.readiness === 'Ready' && d.remote !== 'UNKNOWN' && d.remote.readiness === 'Ready';
      return pair && ready
        ? undefined
        : `swap needs PRIM (Ready) and SECOND (Ready), not ${here} with remote ${remoteText(d.remote)}`;
    }
    default:
      return undefined;
  }
}

const remoteText = (r: RemoteState) => (r === 'UNKNOWN' ? 'UNKNOWN' : `${r.state} (${r.readiness})`);
const who = (c: MirrorCommand) => c.identity ?? c.caller ?? 'admin';
/** SafeKit's wording: a start keel makes by itself at launch is `called at boot time`. */
const calledBy = (c: MirrorCommand) => (c.atBoot ? 'called at boot time' : `called by ${who(c)}`);

/**
 * An automatic action counts against maxloop; an administrator's resets it (reference §5.3). A
 * start at keel's launch is neither: after an automatic reboot it must not wipe the count.
 */
function loopAllows(d: Draft, out: Effect[], c: MirrorCommand, now: number): boolean {
  if (c.identity === undefined) {
    if (!c.atBoot && ['start', 'restart', 'swap', 'stopstart', 'stop'].includes(c.name))
      d.facts = { ...d.facts, loop: freshLoop(now) };
    return true;
  }
  if (!['restart', 'stopstart', 'wait'].includes(c.name)) return true;
  const r = countAutomaticAction(d.facts.loop, now, d.settings);
  d.facts = { ...d.facts, loop: r.counter };
  if (!r.exceeded) return true;
  out.push(log('Action stop called by maxloop'));
  beginStop(d, 'stop');
  return false;
}

/**
 * A handler counts its own recovery (`incloop`), as restart and stopstart are counted, or starts
 * the count again (`resetloop`). It only counts: stopping the module when the count has reached
 * maxloop is the handler's to decide (reference §6.6, ops §15.4).
 */
function onLoop(d: Draft, out: Effect[], op: 'increment' | 'reset', by: string, now: number): void {
  if (op === 'reset') {
    d.facts = { ...d.facts, loop: freshLoop(now) };
    out.push(log(`Action resetloop called by ${by}`));
    return;
  }
  d.facts = { ...d.facts, loop: countAutomaticAction(d.facts.loop, now, d.settings).counter };
  const s = loopStatus(d.facts.loop, now, d.settings);
  out.push(log(`Action incloop called by ${by} (maxloop count ${s.count} of ${s.maxloop})`));
}

function execute(d: Draft, out: Effect[], c: MirrorCommand, now: number): void {
  const refusal = refuse(d, c);
  if (refusal) {
    out.push(log(`Action ${c.name} refused: ${refusal}`, 'E'));
    return;
  }
  out.push(log(`Action ${c.name} ${calledBy(c)}`));
  if (!loopAllows(d, out, c, now)) return;
  switch (c.name) {
    case 'start':
    case 'prim':
    case 'primforce':
    case 'second':
      // Only an explicit prim moves the application while failover="off" holds (reference §3.7).
      if (c.name === 'prim' || c.name === 'primforce') d.facts = { ...d.facts, failoverOffHold: false };
      return beginStart(d, c.name, now, c.args.includes('fullsync'));
    case 'secondforce':
      return beginStart(d, 'second', now, false, secondforceSince(c.args));
    case 'stop':
      d.thenStart = undefined;
      return beginStop(d, 'stop');
    case 'shutdown':
      // Nothing runs after it: the node's keel is going away.
      d.thenStart = undefined;
      d.queue = [];
      return beginStop(d, 'stop');
    case 'stopstart':
      // Only an automatic stopstart reboots; an administrator's is a plain stop + start.
      if (d.settings.automaticReboot && c.identity !== undefined) {
        out.push(log(`Reboot of the node instead of stopstart (automatic_reboot="on")`, 'E'));
        out.push({ kind: 'reboot', identity: c.identity });
        return;
      }
      d.thenStart = 'start';
      return beginStop(d, 'stopstart');
    case 'restart':
      return beginRestart(d, restartServices(c.args) ?? []);
    case 'swap':
      if (d.state !== 'PRIM') {
        d.swapRequest = true;
        return;
      }
      out.push(log('Begin of Swap'));
      return beginTransition(d, 'PRIM', 'SECOND', 'swap');
  }
}

/**
 * A stopstart that was to reboot the node (automatic_reboot="on") could not: the module still
 * needs what the stopstart was for, so it is stopped and started here instead. Its maxloop count
 * was taken when the stopstart was accepted. A module that meanwhile stopped or began another
 * transition is left to that.
 */
function onRebootFailed(d: Draft, out: Effect[], reason: string): void {
  out.push(log(`Automatic reboot failed: ${reason}`, 'E'));
  if (d.state === 'STOP' || d.job) return;
  out.push(log('Stop and start instead of the reboot'));
  d.thenStart = 'start';
  beginStop(d, 'stopstart');
}

function onRule(d: Draft, out: Effect[], action: 'wait' | 'wakeup', rule: string, now: number): void {
  if (action === 'wakeup') {
    if (d.holds.length === 0) return;
    d.holds = [];
    out.push(log(`Action wakeup from failover rule ${rule}`));
    if (d.state === 'WAIT' && !d.job) setState(d, out, 'WAIT', 'Transient');
    return;
  }
  if (d.holds.includes(rule)) return;
  d.holds = [...d.holds, rule];
  if (d.state === 'STOP') return;
  // A node a wait rule holds does not become primary: it stops contending for the lease.
  dropLeaseWait(d, out, now);
  out.push(log(`Action wait from failover rule ${rule}`));
  const counted = countAutomaticAction(d.facts.loop, now, d.settings);
  d.facts = { ...d.facts, loop: counted.counter };
  if (counted.exceeded) {
    out.push(log('Action stop called by maxloop'));
    if (!d.job) beginStop(d, 'stop');
    else d.queue = [...d.queue, { id: `maxloop:${rule}`, name: 'stop', args: [], caller: 'maxloop' }];
    return;
  }
  // A primary or secondary leaves its role for WAIT; the peer takes over (reference §5.11). Once
  // woken up, the module resumes a normal start from WAIT.
  if (d.state !== 'WAIT' && !d.job) {
    beginStop(d, 'stopwait');
    d.intent = { mode: 'start', since: now, fullsync: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Transitions

function setState(d: Draft, out: Effect[], state: ModuleState, readiness: MirrorEngine['readiness']): void {
  if (d.state === state && d.readiness === readiness) return;
  d.state = state;
  d.readiness = readiness;
  out.push({ kind: 'state', state, readiness }, log(`Local state ${state} ${readiness}`));
}

function startJob(d: Draft, steps: Step[], handover = false): void {
  d.job = { steps, waiting: undefined, ...(handover ? { handover } : {}) };
}

function beginStart(d: Draft, mode: StartMode, now: number, fullsync: boolean, sinceS?: number): void {
  d.intent = { mode, since: now, fullsync, ...(sinceS === undefined ? {} : { sinceS }) };
  if (d.settings.gateAtStart) d.gateOpen = false;
  if (d.state === 'WAIT') return;
  startJob(d, [
    enter('WAIT', 'Transient'),
    ...scriptSteps(plan('STOP', 'WAIT'), 'STOP', 'WAIT', 'start', d.settings.scripts),
  ]);
}

/** Leaves the current state for WAIT; a stop continues to STOP, a stopwait stays in WAIT (NotReady). */
function beginStop(d: Draft, action: ScriptAction): void {
  const from = d.state;
  const steps: Step[] = [];
  if (from !== 'WAIT' && from !== 'STOP') {
    steps.push(
      enter(from, 'Transient'),
      ...drain(d, from),
      ...scriptSteps(plan(from, 'WAIT'), from, 'WAIT', action, d.settings.scripts),
    );
    steps.push(...leaveRole(d, from));
    steps.push(enter('WAIT', action === 'stopwait' ? 'NotReady' : 'Transient'));
  }
  if (action !== 'stopwait') steps.push(...toStop(d, action));
  recordLeaving(d, from);
  startJob(d, steps);
}

function toStop(d: Draft, action: ScriptAction): Step[] {
  return [
    ...scriptSteps(
      plan('WAIT', 'STOP'),
      'WAIT',
      'STOP',
      action === 'stopwait' ? 'stop' : action,
      d.settings.scripts,
    ),
    enter('STOP', 'NotReady'),
  ];
}

function forceStop(d: Draft): void {
  const windows = (['prim', 'second', 'sec', 'both'] as const).map((w) =>
    emit({ kind: 'window', window: w, open: false }),
  );
  const steps: Step[] = [...windows, ...leaveRole(d, d.state), ...toStop(d, 'stop')];
  recordLeaving(d, d.state);
  d.thenStart = undefined;
  startJob(d, steps);
}

/** What leaving a role means for the data facts (shared by stop and forcestop). */
function recordLeaving(d: Draft, from: ModuleState): void {
  if (from === 'SECOND' && d.readiness === 'Transient')
    d.facts = { ...d.facts, interrupted: true, uptodate: false };
  if (isPrimary(from)) d.facts = { ...d.facts, lastPrim: true };
  else if (from === 'SECOND') d.facts = { ...d.facts, lastPrim: false };
  // Whoever stays primary writes on: a leaving secondary, or a primary its (Ready) secondary
  // replaces, no longer holds the newest data (reference §3.5).
  const r = d.remote;
  const replaced =
    from === 'PRIM' && r !== 'UNKNOWN' && r.state === 'SECOND' && r.readiness === 'Ready' && failoverOn(d);
  if (from === 'SECOND' || replaced) d.facts = { ...d.facts, uptodate: false };
  d.intent = undefined;
  d.aloneFromSecond = false;
  d.swapRequest = false;
}

/**
 * A farm node leaving UP first hands its share to the others (it is no longer UP Ready, so the
 * membership moves its buckets) and waits until they serve them; then its stop scripts run.
 */
function drain(d: Draft, from: ModuleState): Step[] {
  return from === 'UP' && d.settings.architecture === 'farm' ? [emit({ kind: 'vip', op: 'drain' })] : [];
}

/** Effects of leaving a role: the VIP and the replication go after the stop scripts. */
function leaveRole(d: Draft, from: ModuleState): Step[] {
  const steps: Step[] = [];
  if (isPrimary(from) || (from === 'UP' && d.settings.architecture === 'farm'))
    steps.push(emit({ kind: 'vip', op: 'remove' }));
  if (d.settings.replication && (isPrimary(from) || from === 'SECOND')) {
    steps.push(emit({ kind: 'replication', role: 'stopped', full: false }));
  }
  // The arbiter's lease goes last: the peer may take it once nothing of the primary is left here.
  if (d.settings.leaseArbiter && isPrimary(from)) steps.push(releaseLease);
  return steps;
}

/**
 * A restart's arguments: none, or `-Services "<S1, S2>"` (errd's restart_services, reference
 * §5.10), which every script of the restart gets after its usual ones; undefined for anything else.
 */
function restartServices(args: readonly string[]): readonly string[] | undefined {
  if (args.length === 0) return [];
  const [flag, services, ...rest] = args;
  return flag === '-Services' && services?.trim() && rest.length === 0 ? args : undefined;
}

function beginRestart(d: Draft, extra: readonly string[]): void {
  const p = restartPlan(d.state);
  if (!p) return;
  const s = d.state;
  startJob(d, [
    enter(s, 'Transient'),
    ...drain(d, s),
    ...scriptSteps(p.stop, s, s, 'restart', d.settings.scripts, extra),
    ...scriptSteps(p.start, s, s, 'restart', d.settings.scripts, extra),
    enter(s, 'Ready'),
  ]);
}

/** A role change between started states (or from WAIT), with its scripts and effects (reference §6.5). */
function beginTransition(d: Draft, from: ModuleState, to: ModuleState, action: ScriptAction): void {
  const steps: Step[] = [enter(from === 'WAIT' ? 'WAIT' : from, 'Transient')];
  const scripts = scriptSteps(plan(from, to), from, to, action, d.settings.scripts);
  const becomesPrimary = isPrimary(to) && !isPrimary(from);
  const leavesPrimary = isPrimary(from) && !isPrimary(to);
  const leased = becomesPrimary && d.settings.leaseArbiter !== undefined;
  if (leavesPrimary) {
    // Stop the application before the address and the data leave this node.
    const stopCount = scripts.findIndex((s) => s.kind === 'script' && s.name === 'transition');
    steps.push(...scripts.slice(0, Math.max(0, stopCount)), ...leaveRole(d, from), enter(to, 'Transient'));
    steps.push(...secondaryStart(d), ...scripts.slice(Math.max(0, stopCount)));
  } else if (to === 'UP') {
    // A farm opens its VIP traffic just before start_both (reference §4.2); a light module has none.
    steps.push(enter(to, 'Transient'));
    if (d.settings.architecture === 'farm') steps.push(emit({ kind: 'vip', op: 'set' }));
    steps.push(...scripts);
  } else if (becomesPrimary) {
    // Under an arbiter, nothing of a primary before the lease is held (lease.ts).
    if (leased) steps.push({ kind: 'awaitLease' }, { kind: 'tookPrimary', from, to });
    steps.push(enter(to, 'Transient'));
    if (d.settings.replication)
      steps.push(emit({ kind: 'replication', role: 'primary', full: d.facts.fullsyncPeer }));
    steps.push(emit({ kind: 'vip', op: 'set' }), ...scripts);
  } else if (to === 'SECOND') {
    steps.push(enter(to, 'Transient'), ...secondaryStart(d), ...scripts);
  } else {
    steps.push(enter(to, 'Transient'), ...scripts);
  }
  steps.push(enter(to, 'Ready'));
  if (!leased) primaryFacts(d, from, to);
  d.intent = undefined;
  d.swapRequest = false;
  startJob(d, steps, leavesPrimary && action === 'swap');
}

/** A secondary first resynchronises from the primary (SECOND Transient), then runs its scripts. */
function secondaryStart(d: Draft): Step[] {
  if (!d.settings.replication) return [];
  const sinceS = d.intent?.sinceS;
  if (sinceS !== undefined) {
    // secondforce -d: the administrator vouches for the copy as of that date (a restored backup),
    // so the date replaces the engine's own choice, full copy included (reference §5.7.5).
    d.facts = { ...d.facts, uptodate: false, interrupted: true };
    return [
      emit({ kind: 'replication', role: 'secondary', full: false, since: sinceS }),
      { kind: 'awaitReplication' },
    ];
  }
  const asked = d.peer.fullsync || d.facts.interrupted || (d.intent?.fullsync ?? false);
  const full = !d.facts.synced || asked;
  // From the first copied byte until the end, this node's data is half-copied: a crash in between
  // must leave it unable to start as primary (reference §3.9).
  d.facts = { ...d.facts, uptodate: false, interrupted: true };
  return [
    emit({
      kind: 'replication',
      role: 'secondary',
      full,
      ...(full && !asked ? { newCopy: true as const } : {}),
    }),
    { kind: 'awaitReplication' },
  ];
}

/** The date of a `secondforce` command: one integer of seconds since the epoch, else undefined. */
function secondforceSince(args: readonly string[]): number | undefined {
  if (args.length !== 1 || !/^-?\d{1,12}$/.test(args[0]!)) return undefined;
  return Number(args[0]);
}

function plan(from: ModuleState, to: ModuleState) {
  const p = scriptPlan(from, to);
  if (!p) throw new Error(`no script plan for ${from} -> ${to}`);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Driving

/** Runs the current job as far as it can go, then lets the automaton decide what comes next. */
function advance(d: Draft, out: Effect[], now: number): void {
  judgeLeaseWait(d, out, now, leaseHooks);
  for (let guard = 0; guard < 1000; guard++) {
    if (d.job) {
      if (!runJob(d, out, now)) return;
      continue;
    }
    if (!decide(d, out, now)) return;
  }
  throw new Error('mirror automaton did not settle');
}

/** Returns true when the job finished (so the caller decides again), false when it waits. */
function runJob(d: Draft, out: Effect[], now: number): boolean {
  let job: Job = d.job as Job;
  while (job.steps.length > 0 && job.waiting === undefined) {
    const [step, ...rest] = job.steps;
    job = { ...job, steps: rest };
    switch (step.kind) {
      case 'script': {
        const token = ++d.scriptSeq;
        out.push(log(`Script ${step.name}`, 'V'), {
          kind: 'script',
          name: step.name,
          args: step.args,
          token,
        });
        job = { ...job, waiting: 'script', token };
        break;
      }
      case 'emit':
        out.push(step.effect);
        break;
      case 'enter':
        setState(d, out, step.state, step.readiness);
        if (step.state === 'SECOND' && step.readiness === 'Ready') {
          const generation = Math.max(d.facts.generation, d.peer.generation);
          d.facts = {
            ...d.facts,
            uptodate: true,
            synced: true,
            interrupted: false,
            lastPrim: false,
            generation,
          };
          d.exitingAlone = false;
        }
        // A stop that is not part of the recovery's stopstart ends it too; the failover rules
        // forget everything while the module is stopped, so do the holds they caused.
        if (step.state === 'STOP' && d.thenStart === undefined) d.exitingAlone = false;
        if (step.state === 'STOP') d.holds = [];
        break;
      case 'awaitReplication':
        job = { ...job, waiting: 'replication' };
        break;
      case 'awaitLease':
        job = startLeaseWait(d, out, job, now);
        break;
      case 'tookPrimary':
        primaryFacts(d, step.from, step.to);
        break;
    }
  }
  d.job = job.steps.length === 0 && job.waiting === undefined ? undefined : job;
  return d.job === undefined;
}

/** One decision once no job runs; returns true when it started new work. */
function decide(d: Draft, out: Effect[], now: number): boolean {
  if (d.queue.length > 0) {
    const [c, ...rest] = d.queue;
    d.queue = rest;
    execute(d, out, c, now);
    return true;
  }
  if (d.state === 'STOP') {
    if (d.thenStart) {
      const mode = d.thenStart;
      d.thenStart = undefined;
      out.push(log('Action start called automatically'));
      beginStart(d, mode, now, false);
      return true;
    }
    return false;
  }
  if (d.state === 'WAIT') return decideInWait(d, out, now);
  // A wait rule that fired during a transition takes effect once the transition is over.
  if (d.holds.length > 0) {
    beginStop(d, 'stopwait');
    d.intent = { mode: 'start', since: now, fullsync: false };
    return true;
  }
  return (d.settings.architecture ?? 'mirror') === 'mirror' ? reactToPeer(d, out) : false;
}

function decideInWait(d: Draft, out: Effect[], now: number): boolean {
  if (d.holds.length > 0) {
    setState(d, out, 'WAIT', 'NotReady');
    return false;
  }
  const intent = d.intent;
  if (!intent) return false;
  if (!d.gateOpen) {
    setState(d, out, 'WAIT', 'Transient');
    return false;
  }
  const choice = chooseRole({
    settings: d.settings,
    facts: d.facts,
    intent,
    remote: d.remote,
    peer: d.peer,
    now,
  });
  switch (choice.kind) {
    case 'listen':
      setState(d, out, 'WAIT', 'Transient');
      return false;
    case 'hold':
      if (d.readiness !== 'NotReady') choice.messages.forEach((m) => out.push(log(m)));
      setState(d, out, 'WAIT', 'NotReady');
      return false;
    case 'abort':
      choice.messages.forEach((m) => out.push(log(m, 'E')));
      d.intent = undefined;
      startJob(d, toStop(d, 'stop'));
      return true;
    case 'become':
      if (intent.mode === 'primforce')
        d.facts = { ...d.facts, interrupted: false, uptodate: true, fullsyncPeer: true };
      if (intent.mode === 'prim' && intent.fullsync) d.facts = { ...d.facts, fullsyncPeer: true };
      beginTransition(d, 'WAIT', choice.state, 'start');
      return true;
  }
}

/** Stable states react to the peer (reference §3.2 M7-M9, M12, §3.8, §3.10). */
function reactToPeer(d: Draft, out: Effect[]): boolean {
  const r = d.remote;
  if (d.readiness !== 'Ready') return false;
  // A secondary has no primary as soon as the peer is back in WAIT (its VIP is released); a
  // primary keeps its secondary while the peer is merely starting (WAIT Transient).
  const noPrimary = r === 'UNKNOWN' || r.state === 'STOP' || r.state === 'WAIT';
  const noSecondary =
    r === 'UNKNOWN' || r.state === 'STOP' || (r.state === 'WAIT' && r.readiness === 'NotReady');
  const cause = r === 'UNKNOWN' ? 'no heartbeat' : 'remote stop';
  switch (d.state) {
    case 'ALONE':
      // Another primary, whatever its readiness, can only come from an isolation; the peer may also
      // already be on its way out when its first heartbeat after the isolation arrives. The node
      // that stays logs it and goes on below (the exiting peer soon shows up as SECOND).
      if ((r !== 'UNKNOWN' && isPrimary(r.state)) || (d.peer.exitingAlone && !d.splitBrainLogged)) {
        if (splitBrainRecovery(d, out)) return true;
      }
      if (remoteIs(r, 'SECOND')) {
        beginTransition(d, 'ALONE', 'PRIM', 'start');
        d.facts = { ...d.facts, fullsyncPeer: false };
        return true;
      }
      return false;
    case 'PRIM':
      // The pair has been in sync once: from now on a returning node may resync by zones.
      if (remoteIs(r, 'SECOND') && r !== 'UNKNOWN' && r.readiness === 'Ready' && !d.facts.synced) {
        d.facts = { ...d.facts, synced: true, fullsyncPeer: false };
      }
      if (remotePrimary(r) || (d.peer.exitingAlone && !d.splitBrainLogged)) {
        if (splitBrainRecovery(d, out)) return true;
      }
      if (noSecondary) {
        out.push(log(`Action alone called by heart: ${cause}`));
        beginTransition(d, 'PRIM', 'ALONE', 'start');
        return true;
      }
      if (d.peer.swapRequest && remoteIs(r, 'SECOND')) {
        out.push(log('Begin of Swap'));
        beginTransition(d, 'PRIM', 'SECOND', 'swap');
        return true;
      }
      return false;
    case 'SECOND':
      if (remoteIs(r, 'SECOND') && r !== 'UNKNOWN' && r.readiness === 'Transient') {
        // The primary is handing its role over (swap): its application is already stopped.
        beginTransition(d, 'SECOND', 'PRIM', 'swap');
        return true;
      }
      if (noPrimary) {
        if (r === 'UNKNOWN' && isolationHolds(d)) {
          // The primary may be alive behind a cut: only the splitbrain checker's `up` (this node
          // reaches a witness) lets the secondary take over; its `down` has the rules hold it in WAIT.
          if (!d.isolationHoldLogged)
            out.push(log('Every heartbeat lost: waiting for the splitbrain checker before taking over'));
          d.isolationHoldLogged = true;
          return false;
        }
        if (failoverOn(d)) {
          out.push(log(`Action alone called by heart: ${cause}`));
          beginTransition(d, 'SECOND', 'ALONE', 'start');
        } else {
          out.push(
            log('Failover-off configured'),
            log('Action stopstart called by failover-off'),
            log('Transition STOPSTART from failover-off', 'V'),
          );
          d.thenStart = 'start';
          beginStop(d, 'stopstart');
          d.facts = { ...d.facts, failoverOffHold: true };
        }
        return true;
      }
      if (remoteIs(r, 'PRIM') && d.settings.defaultprim === d.settings.node && !d.swapRequest) {
        out.push(log('Transition SWAP from defaultprim', 'V'));
        d.swapRequest = true;
        return false;
      }
      return false;
    default:
      return false;
  }
}

/**
 * A secondary with a splitbrain checker waits for its verdict once every heartbeat is lost; not
 * while `checker off` holds (`off`: SafeKit's checker off disables the splitbrain checker).
 */
const isolationHolds = (d: Draft) =>
  d.settings.isolationArbiter === true && d.isolationVerdict !== 'up' && d.isolationVerdict !== 'off';

/**
 * The splitbrain checker's verdict for the current isolation (admin asks once per isolation). A
 * primary it refuses while its peer, a secondary (or starting) when last heard, may take over
 * yields: it leaves the primary role as soon as the rules say so, and says so in its facts
 * (exitingAlone), so that the two meeting again keep the peer's data, even before this node's
 * wait rule fired (reference §5.18: the refused node resynchronises and becomes SECOND).
 */
function onIsolationVerdict(d: Draft, out: Effect[], verdict: string): void {
  const fresh = d.isolationVerdict === 'init';
  d.isolationVerdict = verdict;
  const peerMayServe = d.peerAtLoss === 'SECOND' || d.peerAtLoss === 'WAIT';
  if (
    fresh &&
    verdict === 'down' &&
    isPrimary(d.state) &&
    d.remote === 'UNKNOWN' &&
    peerMayServe &&
    !d.exitingAlone
  ) {
    out.push(
      log(
        'Split brain: no witness answers this node; its peer may serve, this node will resynchronise from it',
        'E',
      ),
    );
    d.exitingAlone = true;
  }
}

/**
 * Both nodes are primary after an isolation (reference §3.10): the node that was secondary before
 * it went ALONE exits; if both or neither were, the node with the smaller name stays.
 */
function splitBrainRecovery(d: Draft, out: Effect[]): boolean {
  // Under an arbiter only the lease's holder is primary: the other is about to lose it and leave
  // by itself (docs/decisions/0019); which one ran alone longer decides nothing.
  if (d.settings.leaseArbiter) return false;
  // A node already on its way out (this one, refused by the splitbrain checker, or the peer)
  // settles it; otherwise the former secondary exits.
  const iExit = d.exitingAlone
    ? true
    : d.peer.exitingAlone
      ? false
      : d.aloneFromSecond !== d.peer.aloneFromSecond
        ? d.aloneFromSecond
        : d.settings.node > d.settings.peer;
  if (!iExit) {
    if (!d.splitBrainLogged) out.push(log('Split brain recovery: staying alone'));
    d.splitBrainLogged = true;
    return false;
  }
  out.push(log('Split brain recovery: exiting alone'));
  d.facts = { ...d.facts, uptodate: false };
  d.exitingAlone = true;
  d.thenStart = 'second';
  beginStop(d, 'stopstart');
  return true;
}
