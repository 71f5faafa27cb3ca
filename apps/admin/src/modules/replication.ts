// The replication of one module as admin sees it: asks the node's rfs service for a role
// (keel.v1.<module>.rfs.cmd), listens to what the daemon reports (keel.v1.<module>.rfs.event) and
// turns it into the engine's inputs and SafeKit's module-log lines (reference §3.4):
//  - a secondary's `synced` ends its reintegration: `Copied <statistics>`, `Reintegration ended
//    (synchronize)`, then `replicationReady` for the engine waiting in SECOND (Transient);
//  - a secondary whose replication is lost while its primary still runs resynchronises: the
//    engine's `replicationLost` (SECOND Transient until the daemon, which rejoins by itself, has
//    reintegrated), once the heartbeats have had the time to say whether the primary itself went
//    away: a primary that crashes also cuts the link, and then the engine must fail over.
import {
  BusNoRespondersError,
  BusRemoteError,
  BusTimeoutError,
  RFS_QUERY_TIMEOUT_MS,
  rpcs,
  subjects,
  type BusPort,
  type ReplicationRole,
  type RfsCommandResult,
  type RfsEvent,
  type RfsQueryResult,
} from '@keel/bus';
import { isPrimary, type MirrorEngine, type MirrorInput } from '@keel/engine';
import type { LogLevel } from '../ports/module-log.port';
import { DEGRADED_RESOURCE, degradesNow, isLinkTimeout, type SlowSecondary } from './degraded';
import { PROGRESS_LOG_EVERY_MS, progressText } from './reintegration-progress';

/** A primary's bandwidth in KB/s over the last 3 s (guide §2.2, §5.7.5 "Bandwidth"). */
export const REP_BANDWIDTH = 'rfs.rep_bandwidth';
export const REI_BANDWIDTH = 'rfs.rei_bandwidth';
/** The link's frames in KB/s over the last 3 s: sent by the primary, received by the secondary. */
export const NETOUT_BANDWIDTH = 'rfs.netout_bandwidth';
export const NETIN_BANDWIDTH = 'rfs.netin_bandwidth';

/** The resource that shows a reintegration's progress on the primary (`keel state -v`). */
export const PROGRESS_RESOURCE = 'rfs.reintegration';

/** Longer than rfs's own bounds: stopping an old daemon (20 s + 5 s) then mounting (60 s). */
export const RFS_COMMAND_TIMEOUT_MS = 120_000;
/** rfs answers a write deadline at once: it only writes a line on a pipe. */
export const WINDOW_TIMEOUT_MS = 2_000;
/** Beyond the heartbeat timeout, the time for the heartbeat view to reach admin. */
export const LINK_LOSS_MARGIN_MS = 1_000;

export interface ReplicationHost {
  readonly module: string;
  readonly bus: BusPort;
  readonly now: () => number;
  /** The replicated directories, for the log lines of a reintegration. */
  readonly dirs: readonly string[];
  readonly timeoutMs: number;
  /** `<rfs locktimeout>`: how long a primary's secondary may stay behind after its link timed out. */
  readonly lockTimeoutMs: number;
  engine(): MirrorEngine;
  write(level: LogLevel, text: string): void;
  submit(input: MirrorInput): void;
  /** Stops and starts the module again (SafeKit's stopstart), on behalf of rfs. */
  restart(): void;
  /** Stops the module, on behalf of rfs. */
  stop(): void;
  /** Sets a resource on behalf of rfs without a module-log line (it changes every second). */
  setQuietly(name: string, value: string): void;
  /** Sets a resource on behalf of rfs, logged ("Resource … set to … by rfs"). */
  setResource(name: string, value: string): void;
  /** A resource's value, if set. */
  resource(name: string): string | undefined;
  /** The `rfssync` policy of this node's next synchronisation as secondary. */
  syncPolicy(): SyncPolicy;
  /** A synchronisation under a policy succeeded (this secondary's, or a primary's secondary's). */
  policyApplied(role: 'primary' | 'secondary'): void;
}

/**
 * `rfssync` (rfssync.ts): `full` copies every file; `since` (external) the files modified since a
 * backup's point; `refused`: an external policy without its primary, which stops the secondary.
 */
export type SyncPolicy =
  | { readonly kind: 'default' }
  | { readonly kind: 'full' }
  | { readonly kind: 'dropped'; readonly text: string }
  | { readonly kind: 'since'; readonly since: number; readonly text: string }
  | { readonly kind: 'refused'; readonly message: string };

/**
 * The secondary's daemon refused an incremental reintegration: the two nodes' last
 * synchronisations are too far apart (guide §3.4, the 90 s guard; keel-zones GUARD_MESSAGE).
 */
export const SYNC_GUARD_MESSAGE =
  'Automatic synchronization cannot be applied due to an abnormal delta between the dates of the last synchronization';

export class ReplicationControl {
  /** The role the daemon runs in as far as admin knows (the last request answered ok). */
  private role: Exclude<ReplicationRole, 'stopped'> | undefined;
  /** The role of the request waiting for its answer. */
  private asking: ReplicationRole | undefined;
  /** When this secondary's replication was lost (link or daemon); judged at the next ticks. */
  private lostSince: number | undefined;
  /** A write deadline could not be given to rfs (said once until one is given again). */
  private windowFailed = false;
  /** The secondary's daemon refused to reintegrate (the 90 s guard): its exit is expected. */
  private guarded = false;
  /** When the running reintegration's progress was last written in the module log. */
  private progressLogged: number | undefined;
  /** This secondary's running synchronisation applies an `rfssync` policy. */
  private policyAsked = false;
  /** A primary's secondary whose link timed out and that is not in sync again yet. */
  private slow: SlowSecondary | undefined;

  constructor(private readonly host: ReplicationHost) {}

  /**
   * Asks rfs for a role; resolves with the outcome (bus failures included), never rejects.
   * `newCopy`: the engine's full copy is only for a copy new to the pair (effects.ts).
   */
  async request(
    role: ReplicationRole,
    asked: boolean,
    since?: number,
    newCopy = false,
  ): Promise<RfsCommandResult> {
    const { host } = this;
    // rfssync full copies every file at this node's next synchronisation as secondary; external
    // copies the files modified since a backup's point, in place of the full copy the engine
    // asks for a copy new to the pair (a restored backup is one: that is the policy's point), but
    // never in place of one asked for another reason (`second fullsync`, the peer's `prim
    // fullsync`, an interrupted synchronisation): a full copy covers the policy, which is then
    // done. A date (secondforce -d) is the administrator's own choice and wins over both.
    const pending: SyncPolicy = role === 'secondary' ? host.syncPolicy() : { kind: 'default' };
    const policy: SyncPolicy = since === undefined ? pending : { kind: 'default' };
    if (policy.kind === 'dropped') host.write('I', policy.text);
    const engineFull = asked && !newCopy;
    if (policy.kind === 'refused' && !engineFull) {
      host.write('E', policy.message);
      host.stop();
      return { ok: false, message: policy.message };
    }
    const external = policy.kind === 'since' && !engineFull ? policy : undefined;
    if (external) host.write('I', external.text);
    const at = external ? external.since : since;
    const full = external ? false : asked || policy.kind === 'full';
    // Whatever this synchronisation copies, once it succeeded the policy is done (a secondforce
    // date included: the administrator chose it in the policy's place).
    this.policyAsked = pending.kind !== 'default';
    this.asking = role;
    this.guarded = false;
    const how =
      at !== undefined
        ? ` (files modified since ${new Date(at * 1000).toISOString()})`
        : full
          ? ' (full)'
          : '';
    host.write('V', `Replication ${role}${how} requested`);
    let outcome: RfsCommandResult;
    try {
      outcome = await host.bus.request(
        subjects.rfsCmd(host.module),
        rpcs.rfsCommand,
        { module: host.module, role, full, ...(at === undefined ? {} : { since: at }) },
        { timeoutMs: host.timeoutMs },
      );
    } catch (err) {
      outcome = { ok: false, message: describeFailure(err) };
    }
    this.asking = undefined;
    if (outcome.ok || role === 'stopped') this.role = role === 'stopped' ? undefined : role;
    if (outcome.ok) {
      this.lostSince = undefined;
      host.write('V', `Replication ${role}: ${outcome.message ?? 'done'}`);
    } else {
      host.write('E', `Replication ${role} failed: ${outcome.message ?? 'no reason given'}`);
    }
    return outcome;
  }

  /**
   * Gives rfs the primary's write deadline under the lease arbiter (docs/decisions/0019), a
   * monotonic time in ms; resolves once answered or failed, never rejects. One that does not
   * arrive only leaves the daemon closed sooner (the deadlines are absolute).
   */
  async window(deadlineMs: number): Promise<void> {
    const { host } = this;
    try {
      await host.bus.request(
        subjects.rfsWindow(host.module),
        rpcs.rfsWindow,
        { module: host.module, deadlineMs },
        { timeoutMs: WINDOW_TIMEOUT_MS },
      );
      this.windowFailed = false;
    } catch (err) {
      host.write(
        this.windowFailed ? 'V' : 'E',
        `The write deadline could not be given to the replication: ${describeFailure(err)}`,
      );
      this.windowFailed = true;
    }
  }

  /** `rfsdiff` or `rfsverify` of this node's daemon; never rejects (a failure is `ok: false`). */
  async query(query: 'diff' | 'verify'): Promise<RfsQueryResult> {
    const { host } = this;
    try {
      return await host.bus.request(
        subjects.rfsQuery(host.module),
        rpcs.rfsQuery,
        { module: host.module, query },
        { timeoutMs: RFS_QUERY_TIMEOUT_MS + 5_000 },
      );
    } catch (err) {
      return { ok: false, message: describeFailure(err) };
    }
  }

  /** What the daemon of this module reported. */
  onEvent(e: RfsEvent): void {
    const { host } = this;
    // Only the daemon admin asked for speaks for the module (a late word of a stopped one does not).
    if (e.role !== (this.asking ?? this.role)) return;
    switch (e.event) {
      case 'mounted':
        // Said by the answer to the request, which follows.
        return;
      case 'connected':
        // Joined again, but not caught up before `synced`.
        if (e.role === 'primary' && this.slow) this.slow = { ...this.slow, rejoined: true };
        return host.write('V', `Replication connected to ${e.peer ?? 'the peer'}`);
      case 'reintegration':
        if (e.role !== 'secondary') return;
        if (e.full) host.write('I', 'Full reintegration of the replicated directories');
        for (const dir of host.dirs) host.write('I', `Updating directory tree from ${dir}`);
        // A copy that was complete and reintegrates again (its link came back) is not complete
        // until `synced`: the primary acknowledges changes it may not have applied yet.
        if (host.engine().state === 'SECOND' && host.engine().readiness === 'Ready') this.behind();
        return;
      case 'synced':
        return this.onSynced(e);
      case 'progress':
        return this.onProgress(e);
      case 'bandwidth':
        // Quietly, as the progress: a line a second in the module log would say nothing. The
        // secondary has only what it receives (guide §5.7.5 "Bandwidth").
        if (e.role === 'secondary') return host.setQuietly(NETIN_BANDWIDTH, String(e.netinKBps ?? 0));
        host.setQuietly(REP_BANDWIDTH, String(e.repKBps ?? 0));
        host.setQuietly(NETOUT_BANDWIDTH, String(e.netoutKBps ?? 0));
        return host.setQuietly(REI_BANDWIDTH, String(e.reiKBps ?? 0));
      case 'link-lost':
        host.write('I', `Replication link lost: ${e.reason ?? 'no reason given'}`);
        if (e.role === 'secondary') this.lost();
        else this.primaryLinkLost(e.reason);
        return;
      case 'behind':
        // Acknowledged to the application, yet missing here: not fit to take over, whatever the
        // heartbeats say next. Resynchronise at once, or wait for a primary if there is none.
        host.write('E', `Replication: this copy is behind the primary: ${e.reason ?? 'no reason given'}`);
        if (e.role === 'secondary') this.behind();
        return;
      case 'primary-stopped':
        // Everything the primary acknowledged is here: its stop is the heartbeats' news.
        this.lostSince = undefined;
        return host.write('I', 'Replication: the primary stopped replicating (this copy is complete)');
      case 'error':
        if (e.role === 'secondary' && e.message === SYNC_GUARD_MESSAGE) return this.refusedBySyncGuard();
        return host.write('E', `Replication error: ${e.message ?? 'no message'}`);
      case 'exited':
        // An exit rfs was asked for (a role change, its own stop) is no news to admin; nor the
        // exit of a secondary that refused to reintegrate (the module stops).
        if (e.requested || this.asking !== undefined || this.guarded) return;
        host.write('E', `Replication process exited (${e.signal ? `signal ${e.signal}` : `code ${e.code}`})`);
        this.role = undefined;
        if (e.role === 'secondary') this.lost();
        else this.primaryLost();
        return;
    }
  }

  /**
   * A (re)started rfs service runs no daemon: a primary asks again for its role; a secondary has
   * lost its replication.
   */
  onServiceReady(): void {
    if (this.asking !== undefined) return;
    if (this.role === 'primary') void this.request('primary', false);
    else if (this.role === 'secondary') {
      this.role = undefined;
      this.lost();
    }
  }

  /** Judges a lost replication once the heartbeats had their say. */
  tick(): void {
    this.judgeSlowSecondary();
    if (this.lostSince === undefined) return;
    const engine = this.host.engine();
    if (engine.state !== 'SECOND') {
      this.lostSince = undefined;
      return;
    }
    if (this.host.now() - this.lostSince < engine.settings.peerSilenceMs + LINK_LOSS_MARGIN_MS) return;
    // A reintegration under way ends with `synced` anyway; other work is judged once it is done.
    if (engine.job?.waiting === 'replication') this.lostSince = undefined;
    if (engine.job) return;
    this.lostSince = undefined;
    const r = engine.remote;
    // A primary that stops or fails is the heartbeats' business: the engine fails over.
    if (r === 'UNKNOWN' || !isPrimary(r.state) || r.readiness !== 'Ready') return;
    this.host.write('I', 'Replication lost while the primary runs');
    this.host.submit({ kind: 'replicationLost' });
  }

  /**
   * A primary's link lost: one that timed out starts (or goes on with) the count of locktimeout
   * for its secondary to be in sync again; the secondary is no longer connected either way.
   */
  private primaryLinkLost(reason: string | undefined): void {
    if (isLinkTimeout(reason) && this.slow === undefined) {
      const s = Math.round(this.host.lockTimeoutMs / 1000);
      this.host.write('I', `Replication timeout: the secondary has ${s} s (locktimeout) to be in sync again`);
      this.slow = { since: this.host.now(), rejoined: false };
    } else if (this.slow) this.slow = { ...this.slow, rejoined: false };
    this.judgeSlowSecondary();
  }

  /**
   * A live secondary did not keep up within locktimeout: this primary goes on without it,
   * degraded (guide §5.7.5). Its peer's degraded_server rule reads rfs.degraded through the
   * heartbeats and holds that node in WAIT (NotReady), its copy behind; this node then goes ALONE
   * ("remote stop"). It lasts until this module stops (a stop and a start bring the pair back).
   */
  private judgeSlowSecondary(): void {
    const { host } = this;
    if (this.role !== 'primary' || this.degradedSet()) return;
    if (!degradesNow(this.slow, host.now(), host.lockTimeoutMs, host.engine().remote)) return;
    this.slow = undefined;
    host.write('E', 'Replication timeout: the primary goes on without its secondary (degraded)');
    host.setResource(DEGRADED_RESOURCE, 'up');
  }

  /** The module stopped: its replication is no longer degraded (nor anything else). */
  stopped(): void {
    this.slow = undefined;
    if (this.degradedSet()) this.host.setResource(DEGRADED_RESOURCE, 'down');
  }

  private degradedSet(): boolean {
    return this.host.resource(DEGRADED_RESOURCE) === 'up';
  }

  /**
   * The primary's reintegration: its progress in rfs.reintegration at every report, in the
   * module log every PROGRESS_LOG_EVERY_MS and at its end.
   */
  private onProgress(e: RfsEvent): void {
    const { host } = this;
    const p = e.progress;
    if (!p) return;
    const text = progressText(p);
    host.setQuietly(PROGRESS_RESOURCE, text);
    const now = host.now();
    if (!p.running) {
      this.progressLogged = undefined;
      return host.write('I', `Reintegration ${text}`);
    }
    if (this.progressLogged === undefined) this.progressLogged = now;
    else if (now - this.progressLogged >= PROGRESS_LOG_EVERY_MS) {
      this.progressLogged = now;
      host.write('I', `Reintegration ${text}`);
    }
  }

  private onSynced(e: RfsEvent): void {
    const { host } = this;
    if (e.role !== 'secondary') {
      this.slow = undefined;
      host.policyApplied('primary');
      return host.write('V', 'Replication: the secondary is synchronised');
    }
    // Caught up again after a lost link: nothing was lost.
    this.lostSince = undefined;
    if ((e.files ?? 0) > 0)
      host.write('I', `Copied ${copiedStatistics(e.files ?? 0, e.bytes ?? 0, e.ms ?? 0)}`);
    host.write('I', 'Reintegration ended (synchronize)');
    if (this.policyAsked) {
      this.policyAsked = false;
      host.policyApplied('secondary');
    }
    if (host.engine().job?.waiting === 'replication') host.submit({ kind: 'replicationReady' });
  }

  /**
   * SafeKit's line (component reintegre), then the module stops: retrying would refuse again,
   * and a full copy is the administrator's choice (`second fullsync`, guide §3.4).
   */
  private refusedBySyncGuard(): void {
    this.guarded = true;
    this.lostSince = undefined;
    this.host.write('E', SYNC_GUARD_MESSAGE);
    this.host.write('I', 'Recovery: second fullsync (a full copy from the primary)');
    this.host.stop();
  }

  private lost(): void {
    this.lostSince ??= this.host.now();
  }

  /**
   * A primary's daemon died: its directories are a dead mount (every access fails, nothing lands
   * in the bare directory) and the application's open files are gone with it. The module stops
   * and starts again (docs/decisions/0012): the application stops, a fresh daemon mounts, and the
   * engine picks the primary as at any start (the secondary, up to date, may take over meanwhile).
   * maxloop bounds how often this happens.
   */
  private primaryLost(): void {
    const state = this.host.engine().state;
    if (state !== 'ALONE' && state !== 'PRIM') return;
    this.host.write('E', 'Replicated directories unusable on the primary: the module restarts');
    this.host.restart();
  }

  private behind(): void {
    this.lostSince = undefined;
    const engine = this.host.engine();
    if (engine.state === 'SECOND') this.host.submit({ kind: 'replicationLost' });
  }
}

/** SafeKit's `Copied <statistics>`: size, file count, time, KB/s (reference §3.4). */
export function copiedStatistics(files: number, bytes: number, ms: number): string {
  const kb = bytes / 1024;
  const size = kb < 1024 ? `${kb.toFixed(1)} KB` : `${(kb / 1024).toFixed(1)} MB`;
  const rate = Math.round(kb / Math.max(ms / 1000, 0.001));
  return `${size} in ${files} file${files === 1 ? '' : 's'} in ${(ms / 1000).toFixed(1)} s (${rate} KB/s)`;
}

function describeFailure(err: unknown): string {
  if (err instanceof BusNoRespondersError) return 'the rfs service of this node is not running';
  if (err instanceof BusTimeoutError) return `no answer from the rfs service (${err.message})`;
  if (err instanceof BusRemoteError) return err.remoteMessage;
  return err instanceof Error ? err.message : String(err);
}
