// The replication of one module on this node: at most one keel-rfsd at a time, in the role admin
// last asked for. Commands are handled one after the other (a role change stops the old daemon
// before the new one starts), and each is answered only when the world matches it: the
// directories mounted, or the daemon gone.
import { writeDeadlineLine } from '@keel/arbiter';
import type { RfsCommandResult, RfsEvent, RfsQueryResult } from '@keel/bus';
import type { Logger } from '@keel/runtime';
import { daemonArgs, type DaemonRole } from '../core/daemon-args';
import type { DaemonEvent } from '../core/daemon-events';
import type { RfsModulePlan } from '../core/plan';
import { BandwidthMeter, NO_BANDWIDTH, type Bandwidth } from '../core/bandwidth';
import {
  QUERY_ROLE,
  queryLine,
  queryStep,
  startQuery,
  type QueryState,
  type RfsQueryName,
} from '../core/query';
import { progressOf } from '../core/progress';
import type { RfsClock } from '../ports/clock.port';
import {
  DaemonSpawnError,
  type DaemonExit,
  type DaemonProcess,
  type RfsDaemonPort,
} from '../ports/daemon.port';
import type { RfsMetrics } from './rfs.metrics';

export interface ReplicationTiming {
  /** A daemon that has not mounted every directory by then is stopped and the command fails. */
  readonly mountTimeoutMs: number;
  /** SIGTERM, then SIGKILL after this long. */
  readonly stopTimeoutMs: number;
  /** After SIGKILL, how long to wait for the exit before giving up on it. */
  readonly killWaitMs: number;
}

export interface ReplicationDeps {
  readonly plan: RfsModulePlan;
  readonly binary: string;
  readonly daemons: RfsDaemonPort;
  readonly timing: ReplicationTiming;
  readonly logger: Logger;
  /** Publishes keel.v1.<module>.rfs.event (the module and role are filled in). */
  readonly publish: (event: Omit<RfsEvent, 'module'>) => void;
  /** Sets a module resource through resource.set (component rfs). */
  readonly setResource: (name: string, value: string) => void;
  /** The service's metrics: what the daemons count (their `stats`), and which run. */
  readonly metrics: RfsMetrics;
  /** Time for the bandwidth resources' 3-s averages. */
  readonly clock: RfsClock;
}

interface Running {
  readonly role: DaemonRole;
  readonly process: DaemonProcess;
  readonly exited: Promise<DaemonExit>;
  mounted: boolean;
  /** The rfs service asked it to go (a command or the service's shutdown). */
  stopping: boolean;
  /** Its last `error` event: the reason given when it exits. */
  lastError: string | undefined;
  /** Settles the pending start when the daemon mounts or exits. */
  onMount: ((outcome: RfsCommandResult) => void) | undefined;
  /** Its last `stats` said a reintegration ran: the next that says it ended is published. */
  reintegrating: boolean;
  /** Its bandwidth, read at its stats and net reports and every second (once mounted). */
  bandwidth: { meter: BandwidthMeter; told: Bandwidth; tick: { cancel(): void } } | undefined;
  /** The rfsdiff or rfsverify it was asked (one at a time), and who waits for the answer. */
  query: { state: QueryState; answer: (r: RfsQueryResult) => void } | undefined;
}

export class ModuleReplication {
  private current: Running | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /**
   * The last write deadline admin gave under the lease arbiter (monotonic ms): the running
   * primary has it, and so does every primary started after, which otherwise starts closed.
   */
  private deadlineMs: number | undefined;

  constructor(private readonly deps: ReplicationDeps) {}

  get module(): string {
    return this.deps.plan.name;
  }

  /** The role of the running daemon, if any (for status and tests). */
  get role(): DaemonRole | undefined {
    return this.current?.role;
  }

  /** Runs the replication in `role`; answered once mounted (or stopped), never thrown. */
  command(role: DaemonRole | 'stopped', full: boolean, since?: number): Promise<RfsCommandResult> {
    // Asked by admin as its module stops, which has recorded a secondary's copy as behind: the
    // daemon may tell its primary it leaves (docs/decisions/0012).
    return this.serialise(() => (role === 'stopped' ? this.stop(true) : this.start(role, full, since)));
  }

  /**
   * Stops the daemon for good (the service is stopping); later commands are refused. Not queued
   * behind a pending start: that start is answered as failed when its daemon goes.
   */
  async shutdown(): Promise<RfsCommandResult> {
    this.closed = true;
    const outcome = await this.stop();
    await this.chain;
    // A command that was stopping an old daemon when the shutdown began launches nothing new.
    return this.current ? this.stop() : outcome;
  }

  /**
   * A write deadline of the lease arbiter (docs/decisions/0019): written at once to the primary's
   * control pipe, not queued behind a command (a deadline must never wait for a mount), and kept
   * for the next primary. Deadlines are absolute: one that arrives late only gives less time.
   */
  window(deadlineMs: number): RfsCommandResult {
    this.deadlineMs = deadlineMs;
    const run = this.current;
    if (run?.role === 'primary' && run.process.control(writeDeadlineLine(deadlineMs)))
      return { ok: true, message: 'written to the primary' };
    return { ok: true, message: 'kept for the next primary' };
  }

  /**
   * `rfsdiff` (a primary) or `rfsverify` (a secondary): asked on the running daemon's control
   * pipe and answered by its events, not queued behind a command (a verification may take long;
   * a role change meanwhile answers it as failed). Never thrown.
   */
  query(query: RfsQueryName, timeoutMs: number): Promise<RfsQueryResult> {
    const run = this.current;
    const role = QUERY_ROLE[query];
    const name = query === 'diff' ? 'rfsdiff' : 'rfsverify';
    if (!run?.mounted)
      return Promise.resolve({
        ok: false,
        message: `no replication daemon runs for ${this.module} on this node`,
      });
    if (run.role !== role)
      return Promise.resolve({
        ok: false,
        message: `${name} needs the ${role} replication daemon: this node runs the ${run.role}`,
      });
    if (run.query)
      return Promise.resolve({ ok: false, message: 'an rfsdiff or rfsverify is already under way' });
    return new Promise<RfsQueryResult>((resolve) => {
      const timer = setTimeout(
        () => finish({ ok: false, message: `${name}: no answer from keel-rfsd within ${timeoutMs / 1000}s` }),
        timeoutMs,
      );
      const finish = (r: RfsQueryResult) => {
        clearTimeout(timer);
        if (run.query?.answer === finish) run.query = undefined;
        resolve(r);
      };
      run.query = { state: startQuery(query), answer: finish };
      if (!run.process.control(queryLine(query)))
        finish({ ok: false, message: 'the daemon has no control pipe' });
    });
  }

  private serialise(task: () => Promise<RfsCommandResult>): Promise<RfsCommandResult> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async start(role: DaemonRole, full: boolean, since?: number): Promise<RfsCommandResult> {
    if (this.closed) return { ok: false, message: 'the rfs service is stopping' };
    const running = this.current;
    // Asked again for what already runs (admin re-asks after a restart of this service): nothing
    // to do, unless a full copy or a copy since a date is asked for, which only a new secondary
    // run does.
    const copies = role === 'secondary' && (full || since !== undefined);
    if (running && running.role === role && running.mounted && !copies) {
      return { ok: true, message: `already ${role}` };
    }
    if (running) {
      const stopped = await this.stop();
      if (!stopped.ok) return stopped;
    }
    return this.launch(role, full, since);
  }

  private launch(role: DaemonRole, full: boolean, since?: number): Promise<RfsCommandResult> {
    if (this.closed) return Promise.resolve({ ok: false, message: 'the rfs service is stopping' });
    const { plan, binary, daemons, logger } = this.deps;
    const args = daemonArgs(plan, role, full, since);
    // Every daemon has a control pipe (rfsdiff, rfsverify); a primary under the arbiter also
    // reads its write deadlines there.
    const control = true;
    const deadlines = role === 'primary' && plan.writeDeadline;
    let settleExit: (e: DaemonExit) => void = () => undefined;
    const exited = new Promise<DaemonExit>((resolve) => (settleExit = resolve));
    const mounted = new Promise<RfsCommandResult>((resolve) => {
      let run: Running | undefined;
      try {
        const process = daemons.spawn(
          { module: plan.name, binary, args, stateDir: plan.stateDir, control },
          {
            event: (e) => run && this.onEvent(run, e),
            log: (line, level) =>
              logger[level](`keel-rfsd: ${line}`, { module: plan.name, pid: run?.process.pid }),
            exit: (e) => {
              if (run) this.onExit(run, e);
              settleExit(e);
            },
          },
        );
        run = {
          role,
          process,
          exited,
          mounted: false,
          stopping: false,
          lastError: undefined,
          onMount: resolve,
          reintegrating: false,
          bandwidth: undefined,
          query: undefined,
        };
        this.current = run;
        this.deps.metrics.daemon(plan.name, role, true);
        // It starts closed: the deadline admin gave before asking for this primary opens it.
        if (deadlines && this.deadlineMs !== undefined) process.control(writeDeadlineLine(this.deadlineMs));
      } catch (err) {
        const message =
          err instanceof DaemonSpawnError ? err.message : `cannot start keel-rfsd: ${(err as Error).message}`;
        logger.error(message, { module: plan.name });
        resolve({ ok: false, message });
        return;
      }
      logger.info('keel-rfsd started', { module: plan.name, role, full, pid: run.process.pid, args });
    });
    return this.withMountDeadline(mounted);
  }

  /** A daemon that hangs before mounting is stopped: admin must not wait for it forever. */
  private async withMountDeadline(mounted: Promise<RfsCommandResult>): Promise<RfsCommandResult> {
    const run = this.current;
    const { mountTimeoutMs } = this.deps.timing;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), mountTimeoutMs)),
    );
    const outcome = await Promise.race([mounted, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return outcome;
    const message = `keel-rfsd did not mount the replicated directories within ${mountTimeoutMs / 1000}s`;
    this.deps.logger.error(message, { module: this.module, pid: run?.process.pid });
    if (run) run.onMount = undefined;
    await this.stop();
    return { ok: false, message };
  }

  private onEvent(run: Running, e: DaemonEvent): void {
    const pid = run.process.pid;
    if (e.event === 'stats') return this.onStats(run, e);
    if (e.event === 'net') {
      run.bandwidth?.meter.observeNet(this.deps.clock.now(), e.out_bytes, e.in_bytes);
      return this.tellBandwidth(run);
    }
    if (e.event === 'diff' || e.event === 'verify-diff' || e.event === 'verified' || e.event === 'refused') {
      return this.onQueryEvent(run, e);
    }
    this.deps.publish({ ...e, role: run.role, pid });
    switch (e.event) {
      case 'mounted':
        run.mounted = true;
        this.deps.logger.info('replicated directories mounted', { module: this.module, role: run.role, pid });
        // A primary that mounts replicates again (reference §3.6: rfs.degraded).
        if (run.role === 'primary') this.deps.setResource('rfs.degraded', 'down');
        this.measureBandwidth(run);
        run.onMount?.({ ok: true, message: 'replicated directories mounted' });
        run.onMount = undefined;
        return;
      case 'error':
        run.lastError = e.message;
        this.deps.logger.error(`keel-rfsd: ${e.message}`, { module: this.module, pid });
        return;
      case 'link-lost':
        this.deps.logger.warn('replication link lost', { module: this.module, reason: e.reason, pid });
        return;
      case 'behind':
        this.deps.logger.error('the secondary copy is behind', {
          module: this.module,
          reason: e.reason,
          pid,
        });
        return;
      default:
        this.deps.logger.info(`replication ${e.event}`, { module: this.module, ...e, pid });
    }
  }

  /**
   * The daemon's counters go to the metrics; a reintegration's progress goes to admin (`keel
   * state -v`, the module log) while it runs, and once when it ended. Not logged: one a second.
   */
  private onStats(run: Running, e: Extract<DaemonEvent, { event: 'stats' }>): void {
    const pid = run.process.pid;
    this.deps.metrics.record(this.module, pid, e);
    if (run.bandwidth) {
      run.bandwidth.meter.observe(this.deps.clock.now(), e.live_bytes, e.rei_bytes);
      this.tellBandwidth(run);
    }
    const progress = progressOf(e);
    if (!progress || (!progress.running && !run.reintegrating)) return;
    run.reintegrating = progress.running;
    this.deps.publish({ event: 'progress', role: run.role, pid, progress });
  }

  /** What answers the rfsdiff or rfsverify under way (logged when nobody asked). */
  private onQueryEvent(run: Running, e: DaemonEvent): void {
    const q = run.query;
    const step = q ? queryStep(q.state, e) : undefined;
    if (!q || !step) {
      this.deps.logger.info(`replication ${e.event} (not asked)`, { module: this.module, ...e });
      return;
    }
    if ('reply' in step) q.answer(step.reply);
    else q.state = step.state;
  }

  /**
   * A mounted daemon's bandwidth (rfs.rep_bandwidth, rfs.rei_bandwidth and rfs.netout_bandwidth of
   * a primary, rfs.netin_bandwidth of a secondary): read at each `stats` and `net` and every second
   * (the daemon says nothing while nothing changes), told to admin when they change.
   */
  private measureBandwidth(run: Running): void {
    const { clock } = this.deps;
    run.bandwidth = {
      meter: new BandwidthMeter(clock.now()),
      // Nothing has been replicated yet: said once something has.
      told: NO_BANDWIDTH,
      tick: clock.every(1000, () => this.tellBandwidth(run)),
    };
  }

  private tellBandwidth(run: Running, now: Bandwidth | undefined = undefined): void {
    const b = run.bandwidth;
    if (!b) return;
    const read = now ?? b.meter.read(this.deps.clock.now());
    const same = (Object.keys(read) as (keyof Bandwidth)[]).every((k) => b.told[k] === read[k]);
    if (same) return;
    b.told = read;
    this.deps.publish({ event: 'bandwidth', role: run.role, pid: run.process.pid, ...read });
  }

  private onExit(run: Running, e: DaemonExit): void {
    const pid = run.process.pid;
    // A daemon gone replicates nothing: its bandwidth is 0 (said before its exit).
    run.bandwidth?.tick.cancel();
    this.tellBandwidth(run, NO_BANDWIDTH);
    run.bandwidth = undefined;
    run.query?.answer({ ok: false, message: 'keel-rfsd exited before it answered' });
    this.deps.metrics.daemon(this.module, run.role, false);
    if (this.current === run) this.current = undefined;
    this.deps.publish({
      event: 'exited',
      role: run.role,
      pid,
      code: e.code,
      signal: e.signal,
      requested: run.stopping,
      ...(e.error || run.lastError ? { message: (e.error ?? run.lastError)?.slice(0, 4096) } : {}),
    });
    const how = e.error ?? (e.signal ? `signal ${e.signal}` : `code ${e.code}`);
    if (run.onMount) {
      const why = run.lastError ? `: ${run.lastError}` : '';
      run.onMount({ ok: false, message: `keel-rfsd exited (${how}) before mounting${why}` });
      run.onMount = undefined;
      return;
    }
    if (run.stopping) {
      this.deps.logger.info('keel-rfsd stopped', {
        module: this.module,
        pid,
        code: e.code,
        signal: e.signal,
      });
      return;
    }
    this.deps.logger.error(`keel-rfsd exited unexpectedly (${how})`, {
      module: this.module,
      pid,
      error: run.lastError,
    });
    // The primary goes on without a secondary (reference §3.6): say so in its resources.
    if (run.role === 'primary') this.deps.setResource('rfs.degraded', 'up');
  }

  /**
   * SIGTERM (SIGUSR1 for a secondary that `leaves`: it tells its primary so), SIGKILL after the
   * stop timeout; ok once the daemon is gone.
   */
  private async stop(leaves = false): Promise<RfsCommandResult> {
    const run = this.current;
    if (!run) return { ok: true, message: 'replication not running' };
    const { stopTimeoutMs, killWaitMs } = this.deps.timing;
    run.stopping = true;
    run.process.signal(leaves && run.role === 'secondary' ? 'SIGUSR1' : 'SIGTERM');
    if (await exitsWithin(run.exited, stopTimeoutMs)) return { ok: true, message: 'replication stopped' };
    this.deps.logger.warn(`keel-rfsd did not stop within ${stopTimeoutMs / 1000}s: SIGKILL`, {
      module: this.module,
      pid: run.process.pid,
    });
    run.process.signal('SIGKILL');
    if (await exitsWithin(run.exited, killWaitMs)) {
      return { ok: true, message: 'replication stopped (killed; the next start clears its mount)' };
    }
    const message = `keel-rfsd (pid ${run.process.pid}) did not exit after SIGKILL`;
    this.deps.logger.error(message, { module: this.module });
    return { ok: false, message };
  }
}

async function exitsWithin(exited: Promise<DaemonExit>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const r = await Promise.race([exited.then(() => true as const), late]);
  clearTimeout(timer);
  return r;
}
