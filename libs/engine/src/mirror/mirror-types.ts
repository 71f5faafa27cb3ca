import { Job } from '../module/job';
import { LoopCounter } from '../module/maxloop';
import { ModuleState, Readiness, RemoteState } from '../module/states';

export interface MirrorSettings {
  /**
   * Farm and light modules run the same automaton restricted to STOP / WAIT / UP (reference §4.2):
   * no peer decides their role, and the mirror-only commands are refused.
   */
  readonly architecture?: 'mirror' | 'farm' | 'light';
  readonly node: string;
  readonly peer: string;
  /** `<service failover>`; `failover on|off` overrides it (facts.failover). */
  readonly failover: boolean;
  /** `alone`, `lastprim` or a node name. */
  readonly defaultprim: string;
  readonly maxloop: number;
  readonly loopIntervalMs: number;
  readonly automaticReboot: boolean;
  /** The module has `<rfs>`: data freshness decides who may be primary. */
  readonly replication: boolean;
  /** The module has `<user>`: scripts run. */
  readonly scripts: boolean;
  /** How long a starting node listens for its peer before it judges the peer absent (the heartbeat timeout). */
  readonly peerSilenceMs: number;
  /**
   * Every start waits for a `gate` input before choosing a role: the failover rules must have
   * looked at the resources of their wait rules once (reference §5.11). Off when nothing feeds
   * gates (the pure scenario tests).
   */
  readonly gateAtStart?: boolean;
  /**
   * The module has a splitbrain checker: a secondary that loses every heartbeat takes over only
   * once the checker said it may (`isolation` input up), not before (docs/decisions/0020).
   */
  readonly isolationArbiter?: boolean;
  /**
   * The module has a lease arbiter (`<check><arbiter>`, docs/decisions/0019): a node becomes
   * primary only once it holds the lease (the `lease` input `held`), and leaves the role when it
   * is lost. `takeoverWithinMs`: a node that has not got the lease this long after it started
   * contending, while its peer is out of sight, takes it that the peer renewed it meanwhile and
   * may have written alone: its copy is no longer up to date (arbiter's leaseTakeoverBoundMs).
   */
  readonly leaseArbiter?: { readonly takeoverWithinMs: number };
}

/** What a node remembers across restarts of keel and of the machine. */
export interface MirrorFacts {
  /** rfs.uptodate: this node's replicated data may serve as primary. */
  readonly uptodate: boolean;
  /** A reintegration completed at least once (bitmaps can be trusted). */
  readonly synced: boolean;
  /** Stopped while reintegrating: the data may be half-copied. */
  readonly interrupted: boolean;
  /** Was primary at its last stop (for defaultprim="lastprim"). */
  readonly lastPrim: boolean;
  /** The peer must do a full reintegration at its next start as secondary (primforce, fullsync). */
  readonly fullsyncPeer: boolean;
  /** `failover on|off` (usersetting.failover); undefined = as configured. */
  readonly failover: boolean | undefined;
  /**
   * failover="off" stopped this secondary: it waits for the old primary to come back, across
   * restarts, until an administrator runs `prim` (reference §3.7).
   */
  readonly failoverOffHold: boolean;
  /**
   * Data lineage: raised each time a node becomes primary without a secondary (its writes are
   * then its own); a secondary takes its primary's. The node with the higher generation holds the
   * newer data. Equal generations mean the same lineage, except after a split brain where both
   * sides raised it: that case is settled by the split-brain recovery, not by generations.
   */
  readonly generation: number;
  /**
   * maxloop's count of automatic actions in the current loop_interval. Kept across restarts of
   * keel and reboots: with automatic_reboot="on" a lasting failure would otherwise reboot the node
   * for ever, each boot starting a fresh count.
   */
  readonly loop: LoopCounter;
}

/** What the peer advertises beside its state, through the heartbeats. */
export interface PeerFacts {
  readonly generation: number;
  readonly lastPrim: boolean;
  readonly aloneFromSecond: boolean;
  readonly swapRequest: boolean;
  readonly uptodate: boolean;
  readonly fullsync: boolean;
  /** The peer is leaving the primary role after an isolation (split-brain recovery). */
  readonly exitingAlone: boolean;
  /** The peer is starting with `prim`/`primforce`: it will be primary, do not race it. */
  readonly forcedPrim: boolean;
}

export type StartMode = 'start' | 'prim' | 'second' | 'primforce';

/** Why the node is in WAIT and what it is trying to become. */
export interface StartIntent {
  readonly mode: StartMode;
  /** When the node started listening for its peer. */
  readonly since: number;
  readonly fullsync: boolean;
  /**
   * `secondforce -d <date>`: the copy takes the files modified since this date (seconds since the
   * epoch; admin turns the administrator's date into it) instead of the engine's own choice.
   */
  readonly sinceS?: number;
}

/** The module commands the automaton itself executes. */
export const MIRROR_COMMAND_NAMES = [
  'start',
  'stop',
  'restart',
  'stopstart',
  'forcestop',
  'prim',
  'second',
  'swap',
  'primforce',
  // Start as secondary copying the files modified since a date (reference §5.7.5): args [<seconds>].
  'secondforce',
  'failover',
  // The node's keel is going down (SIGTERM, as at the machine's shutdown): a stop that leaves the
  // module counted as running, for its next start (reference §4 `safekit shutdown`).
  'shutdown',
] as const;
export type MirrorCommandName = (typeof MIRROR_COMMAND_NAMES)[number];

export interface MirrorCommand {
  readonly id: string;
  readonly name: MirrorCommandName;
  readonly args: readonly string[];
  /** `-i <identity>`: an automatic action (counted by maxloop); absent for an administrator. */
  readonly identity?: string;
  /** Who asked, for the log line `Action X called by <who>`. */
  readonly caller?: string;
  /**
   * A start the node makes by itself when keel launches (`<service boot>`, a restart of keel):
   * not an administrator's, so it leaves maxloop's count as it is.
   */
  readonly atBoot?: boolean;
}

export type MirrorInput =
  | { readonly kind: 'command'; readonly command: MirrorCommand }
  | { readonly kind: 'peer'; readonly remote: RemoteState; readonly facts?: Partial<PeerFacts> }
  | { readonly kind: 'scriptDone'; readonly name: string; readonly code: number; readonly token: number }
  | { readonly kind: 'replicationReady' }
  /** The replication link broke without the primary saying it stopped (see onReplicationLost). */
  | { readonly kind: 'replicationLost' }
  | { readonly kind: 'rule'; readonly action: 'wait' | 'wakeup'; readonly rule: string }
  /** The node could not reboot for automatic_reboot="on": the stopstart goes on as stop + start. */
  | { readonly kind: 'rebootFailed'; readonly reason: string }
  | { readonly kind: 'gate'; readonly open: boolean }
  /**
   * The splitbrain checker's verdict (splitbrain.uptodate) for the current isolation: `init`
   * until it answered, `up` lets an isolated secondary take over, `down` holds it; `off` while
   * `checker off` holds (no splitbrain checker: nothing held).
   */
  | { readonly kind: 'isolation'; readonly verdict: string }
  /**
   * `incloop -i <by>` / `resetloop` (reference §6.6): the maxloop counter counted or reset at once,
   * never queued behind a transition (the handler or script asking may be part of it).
   */
  | { readonly kind: 'loop'; readonly op: 'increment' | 'reset'; readonly by: string }
  /**
   * The lease arbiter (docs/decisions/0019): the lease asked for by the `acquire` of `token` is
   * held, or is held by another node or cannot be had yet (`waiting`); or the lease this node
   * held is lost (its writes are already refused, its application fenced).
   */
  | { readonly kind: 'lease'; readonly event: 'held' | 'waiting'; readonly token: number }
  | { readonly kind: 'lease'; readonly event: 'lost'; readonly reason: string }
  | { readonly kind: 'tick' };

export interface MirrorEngine {
  readonly settings: MirrorSettings;
  readonly facts: MirrorFacts;
  readonly state: ModuleState;
  readonly readiness: Readiness;
  readonly remote: RemoteState;
  readonly peer: PeerFacts;
  readonly job: Job | undefined;
  readonly queue: readonly MirrorCommand[];
  readonly intent: StartIntent | undefined;
  /** Wait rules holding the module in WAIT (NotReady). */
  readonly holds: readonly string[];
  /** False while a resource used by a wait rule is still `init` (reference §5.11). */
  readonly gateOpen: boolean;
  /** Became ALONE by failing over from SECOND (decides split-brain recovery). */
  readonly aloneFromSecond: boolean;
  /** This node asked the primary for a swap. */
  readonly swapRequest: boolean;
  /** What to do once the current stop reaches STOP. */
  readonly thenStart: StartMode | undefined;
  /** Token of the last script asked for. */
  readonly scriptSeq: number;
  /** "Split brain recovery: staying alone" was logged for the current meeting. */
  readonly splitBrainLogged: boolean;
  /** This node is leaving the primary role after an isolation, until it is SECOND again. */
  readonly exitingAlone: boolean;
  /** The splitbrain checker's last verdict (splitbrain.uptodate); `init` until it spoke. */
  readonly isolationVerdict: string;
  /** An isolated secondary's wait for that verdict was logged (once per isolation). */
  readonly isolationHoldLogged: boolean;
  /** What the peer was when it was last heard, before it was lost. */
  readonly peerAtLoss: ModuleState | undefined;
  /** When every heartbeat of the peer was last lost (the lease arbiter's takeover bound). */
  readonly peerLostAt?: number;
}

/** An engine while a step changes it (mirror-engine.ts and its helpers). */
export type MirrorDraft = { -readonly [K in keyof MirrorEngine]: MirrorEngine[K] };

export const NO_PEER: PeerFacts = {
  generation: 0,
  lastPrim: false,
  aloneFromSecond: false,
  swapRequest: false,
  uptodate: false,
  fullsync: false,
  exitingAlone: false,
  forcedPrim: false,
};
