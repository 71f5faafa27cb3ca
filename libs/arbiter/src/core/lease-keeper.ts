// The lease keeper of one module on one node (pure reducer; time is an input, in milliseconds of
// the node's monotonic clock).
//
// A node contends for the lease when it wants to be primary: it asks the store to create the key
// bound to a new lease, which the store does only when the key is free (the previous holder's
// lease expired or was released). A holder renews every renewEveryMs and may accept writes until
// its write deadline: the time BEFORE the last granted request was sent, plus the TTL, less the
// margin (timing.ts). Nothing but a granted request moves the deadline, and only forward.
//
// Time is checked first at every step: a holder whose deadline has passed has lost the lease,
// whatever the event, so a frozen holder that thaws, or an answer that comes after the deadline,
// never reopens the window. A loss closes the window and leaves the keeper idle; contending again
// is the caller's decision (another node may have written meanwhile).
import { checkLeaseTiming, writeMarginMs, type LeaseTiming } from './timing';

/** The store's name of a lease (etcd's 64-bit ID, in decimal). */
export type LeaseId = string;

interface Attempt {
  readonly id: number;
  /** When the request was handed out: it cannot have been sent earlier. */
  readonly sentAt: number;
}

export type KeeperPhase =
  | { readonly phase: 'idle' }
  | { readonly phase: 'contending'; readonly nextAttemptAt: number; readonly attempt: Attempt | undefined }
  | {
      readonly phase: 'holding';
      readonly lease: LeaseId;
      readonly writeDeadline: number;
      readonly nextRenewAt: number;
      readonly attempt: Attempt | undefined;
    };

export interface KeeperState {
  readonly timing: LeaseTiming;
  readonly is: KeeperPhase;
  /** Numbers the requests, so an answer to one given up is known as such. */
  readonly nextId: number;
}

/** Why a holder stopped holding. */
export type LeaseLoss =
  /** No renewal was granted in time: the store was unreachable or slow, or this node was frozen. */
  | { readonly kind: 'deadline-passed'; readonly deadline: number }
  /** The store no longer knows the lease (it expired there: clocks or the store misbehaved). */
  | { readonly kind: 'expired' }
  /** The key is bound to another lease (someone removed it by hand and another node took it). */
  | { readonly kind: 'taken'; readonly holder: string | undefined };

export type KeeperEvent =
  /** The node wants the lease (it is about to become primary). */
  | { readonly type: 'contend'; readonly now: number }
  /** The node gives the lease up; call it once the application and writes are stopped. */
  | { readonly type: 'resign'; readonly now: number }
  | { readonly type: 'tick'; readonly now: number }
  // Answers, each to the request of the same id.
  | {
      readonly type: 'acquired';
      readonly now: number;
      readonly id: number;
      readonly lease: LeaseId;
      readonly ttlMs: number;
    }
  | { readonly type: 'held'; readonly now: number; readonly id: number; readonly holder: string }
  | { readonly type: 'renewed'; readonly now: number; readonly id: number; readonly ttlMs: number }
  | { readonly type: 'expired'; readonly now: number; readonly id: number }
  | { readonly type: 'taken'; readonly now: number; readonly id: number; readonly holder: string | undefined }
  | { readonly type: 'failed'; readonly now: number; readonly id: number; readonly error: string };

export type KeeperCommand =
  /** Create the key bound to a new lease of ttlMs if the key is free; answer acquired or held. */
  | { readonly type: 'acquire'; readonly id: number; readonly ttlMs: number }
  /** Keep the lease alive and check the key is still bound to it; answer renewed, expired or taken. */
  | { readonly type: 'renew'; readonly id: number; readonly lease: LeaseId }
  /** Revoke the lease (best effort, no answer): the key is free at once instead of at expiry. */
  | { readonly type: 'release'; readonly lease: LeaseId }
  /** Writes are allowed until this time (keel-rfsd's deadline); a time not after now closes them. */
  | { readonly type: 'window'; readonly writeDeadline: number }
  /** The node is primary under the lease from now on, until the deadline of the next window. */
  | { readonly type: 'holding'; readonly lease: LeaseId }
  /**
   * The lease is lost: the window is closed (a 'window' command came first); the keeper is idle.
   * Release `lease` once the VIP and the application are gone, or let it expire.
   */
  | { readonly type: 'lost'; readonly loss: LeaseLoss; readonly lease: LeaseId }
  /** An answer that changed nothing, said for the log. */
  | { readonly type: 'note'; readonly text: string };

export interface KeeperStep {
  readonly state: KeeperState;
  readonly commands: readonly KeeperCommand[];
}

export function initialKeeper(timing: LeaseTiming): KeeperState {
  return { timing: checkLeaseTiming(timing), is: { phase: 'idle' }, nextId: 1 };
}

/** Whether writes are allowed at `now` by this state (what keel-rfsd enforces with the window). */
export function mayWrite(state: KeeperState, now: number): boolean {
  return state.is.phase === 'holding' && now < state.is.writeDeadline;
}

/** When the caller must tick at the latest; undefined when nothing is due without an event. */
export function nextWakeAt(state: KeeperState): number | undefined {
  const { is, timing } = state;
  if (is.phase === 'idle') return undefined;
  const timeout = is.attempt ? is.attempt.sentAt + timing.requestTimeoutMs : undefined;
  if (is.phase === 'contending') return timeout ?? is.nextAttemptAt;
  return Math.min(is.writeDeadline, timeout ?? is.nextRenewAt);
}

export function stepKeeper(state: KeeperState, event: KeeperEvent): KeeperStep {
  const out: KeeperCommand[] = [];
  let s = passTime(state, event.now, out);
  s = handle(s, event, out);
  s = due(s, event.now, out);
  return { state: s, commands: out };
}

/** A holder past its deadline has lost, before anything else is looked at. */
function passTime(state: KeeperState, now: number, out: KeeperCommand[]): KeeperState {
  const is = state.is;
  if (is.phase !== 'holding' || now < is.writeDeadline) return state;
  return lose(state, { kind: 'deadline-passed', deadline: is.writeDeadline }, now, out);
}

function lose(state: KeeperState, loss: LeaseLoss, now: number, out: KeeperCommand[]): KeeperState {
  if (state.is.phase !== 'holding') return state;
  out.push({ type: 'window', writeDeadline: Math.min(state.is.writeDeadline, now) });
  // Not released here: the key must stay taken until the VIP and the application are gone too,
  // which the margin's fenceMs allows for; the caller releases it then, or it expires.
  out.push({ type: 'lost', loss, lease: state.is.lease });
  return { ...state, is: { phase: 'idle' } };
}

function handle(state: KeeperState, event: KeeperEvent, out: KeeperCommand[]): KeeperState {
  const { is, timing } = state;
  const now = event.now;
  switch (event.type) {
    case 'tick':
      return state;
    case 'contend':
      if (is.phase !== 'idle') return state;
      return { ...state, is: { phase: 'contending', nextAttemptAt: now, attempt: undefined } };
    case 'resign':
      if (is.phase === 'holding') {
        out.push({ type: 'window', writeDeadline: Math.min(is.writeDeadline, now) });
        out.push({ type: 'release', lease: is.lease });
      }
      return { ...state, is: { phase: 'idle' } };
    case 'acquired': {
      if (is.phase !== 'contending' || is.attempt?.id !== event.id) {
        // Given up, or no longer wanted: the store bound the key to a lease nobody will renew.
        out.push({ type: 'release', lease: event.lease });
        return state;
      }
      const deadline = deadlineOf(timing, is.attempt.sentAt, event.ttlMs);
      if (now >= deadline) {
        out.push({ type: 'release', lease: event.lease });
        out.push({
          type: 'note',
          text: `the lease was granted too late to be used (${now - is.attempt.sentAt} ms)`,
        });
        return retryContending(state, now);
      }
      out.push({ type: 'window', writeDeadline: deadline });
      out.push({ type: 'holding', lease: event.lease });
      return {
        ...state,
        is: {
          phase: 'holding',
          lease: event.lease,
          writeDeadline: deadline,
          nextRenewAt: is.attempt.sentAt + timing.renewEveryMs,
          attempt: undefined,
        },
      };
    }
    case 'held':
      if (is.phase !== 'contending' || is.attempt?.id !== event.id) return state;
      return retryContending(state, now);
    case 'renewed': {
      if (is.phase !== 'holding' || is.attempt?.id !== event.id) return state;
      const deadline = Math.max(is.writeDeadline, deadlineOf(timing, is.attempt.sentAt, event.ttlMs));
      if (deadline > is.writeDeadline) out.push({ type: 'window', writeDeadline: deadline });
      return {
        ...state,
        is: {
          ...is,
          writeDeadline: deadline,
          nextRenewAt: is.attempt.sentAt + timing.renewEveryMs,
          attempt: undefined,
        },
      };
    }
    case 'expired':
      if (is.phase !== 'holding' || is.attempt?.id !== event.id) return state;
      return lose(state, { kind: 'expired' }, now, out);
    case 'taken':
      if (is.phase !== 'holding' || is.attempt?.id !== event.id) return state;
      return lose(state, { kind: 'taken', holder: event.holder }, now, out);
    case 'failed':
      if (is.phase === 'idle' || is.attempt?.id !== event.id) return state;
      out.push({
        type: 'note',
        text: `${is.phase === 'holding' ? 'renewal' : 'acquisition'} failed: ${event.error}`,
      });
      return is.phase === 'holding'
        ? { ...state, is: { ...is, nextRenewAt: now + timing.retryEveryMs, attempt: undefined } }
        : retryContending(state, now);
  }
}

function retryContending(state: KeeperState, now: number): KeeperState {
  return {
    ...state,
    is: { phase: 'contending', nextAttemptAt: now + state.timing.retryEveryMs, attempt: undefined },
  };
}

/** Requests that fall due at `now`: time-outs of the one in flight, then the next attempt. */
function due(state: KeeperState, now: number, out: KeeperCommand[]): KeeperState {
  let { is } = state;
  const { timing } = state;
  if (is.phase === 'idle') return state;
  if (is.attempt && now >= is.attempt.sentAt + timing.requestTimeoutMs) {
    out.push({ type: 'note', text: `no answer in ${timing.requestTimeoutMs} ms` });
    is =
      is.phase === 'holding'
        ? { ...is, nextRenewAt: now, attempt: undefined }
        : { ...is, nextAttemptAt: now, attempt: undefined };
  }
  if (is.attempt) return { ...state, is };
  const id = state.nextId;
  if (is.phase === 'contending' && now >= is.nextAttemptAt) {
    out.push({ type: 'acquire', id, ttlMs: timing.ttlMs });
    return { ...state, nextId: id + 1, is: { ...is, attempt: { id, sentAt: now } } };
  }
  if (is.phase === 'holding' && now >= is.nextRenewAt) {
    out.push({ type: 'renew', id, lease: is.lease });
    return { ...state, nextId: id + 1, is: { ...is, attempt: { id, sentAt: now } } };
  }
  return { ...state, is };
}

/** The write deadline a grant of `grantedTtlMs` to a request sent at `sentAt` allows. */
function deadlineOf(timing: LeaseTiming, sentAt: number, grantedTtlMs: number): number {
  // A store that grants less than asked is believed; one that grants more is not relied upon.
  return sentAt + Math.min(timing.ttlMs, grantedTtlMs) - writeMarginMs(timing);
}
