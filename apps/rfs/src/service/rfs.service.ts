// The rfs service: orchestration only. For every module of this node with replicated directories
// it answers keel.v1.<module>.rfs.cmd (admin sets the replication role; RfsController receives it)
// and drives that module's keel-rfsd through the RfsDaemonPort; whatever a daemon reports is
// published as keel.v1.<module>.rfs.event, and rfs.degraded is set through resource.set. A module
// that cannot replicate on this node gets an error reply saying why, so admin reports the cause.
import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  BUS,
  codecs,
  HandlerError,
  RFS_QUERY_TIMEOUT_MS,
  subjects,
  type BusPort,
  type RfsCommandResult,
  type RfsQueryResult,
} from '@keel/bus';
import { Lifecycle, LOGGER, METRICS_REGISTRY, type Logger } from '@keel/runtime';
import type { Registry } from 'prom-client';
import type { RfsPlan } from '../core/plan';
import { RFS_DAEMONS, type RfsDaemonPort } from '../ports/daemon.port';
import { systemClock, type RfsClock } from '../ports/clock.port';
import { RFS_BINARY, RFS_OPTIONS, RFS_PLAN } from '../ports/tokens';
import { ModuleReplication, type ReplicationTiming } from './module-replication';
import { RfsMetrics } from './rfs.metrics';

export const SERVICE_NAME = 'rfs';
/** The component named in resource.set ("set to up by rfs"). */
export const COMPONENT = 'rfs';

export type RfsServiceOptions = Partial<ReplicationTiming> & {
  /** What the bandwidth resources are measured with (default: the system's). */
  readonly clock?: RfsClock;
  /** How long an rfsdiff or rfsverify may take (default RFS_QUERY_TIMEOUT_MS). */
  readonly queryTimeoutMs?: number;
};

export const DEFAULT_TIMING: ReplicationTiming = {
  mountTimeoutMs: 60_000,
  stopTimeoutMs: 20_000,
  killWaitMs: 5_000,
};

@Injectable()
export class RfsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lifecycle = new Lifecycle();
  private readonly modules = new Map<string, ModuleReplication>();
  private readonly timing: ReplicationTiming;
  private readonly clock: RfsClock;
  private readonly metrics: RfsMetrics;
  private readonly queryTimeoutMs: number;

  constructor(
    @Inject(RFS_PLAN) private readonly plan: RfsPlan,
    @Inject(RFS_BINARY) private readonly binary: string,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(RFS_DAEMONS) private readonly daemons: RfsDaemonPort,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Optional() @Inject(RFS_OPTIONS) options?: RfsServiceOptions,
  ) {
    const { clock, queryTimeoutMs, ...timing } = options ?? {};
    this.queryTimeoutMs = queryTimeoutMs ?? RFS_QUERY_TIMEOUT_MS;
    this.timing = { ...DEFAULT_TIMING, ...timing };
    this.clock = clock ?? systemClock;
    this.metrics = new RfsMetrics(registry);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Names of the modules replicated by this node, in plan order. */
  get moduleNames(): string[] {
    return [...this.modules.keys()];
  }

  /** The role of a module's running daemon, if any. */
  role(module: string): string | undefined {
    return this.modules.get(module)?.role;
  }

  async start(): Promise<void> {
    if (!this.lifecycle.beginStart()) return;
    for (const plan of this.plan.modules) {
      this.metrics.declareModule(plan.name);
      const replication = new ModuleReplication({
        metrics: this.metrics,
        plan,
        binary: this.binary,
        daemons: this.daemons,
        timing: this.timing,
        clock: this.clock,
        logger: this.logger.child({ module: plan.name }),
        publish: (event) =>
          this.publish(() =>
            this.bus.publish(subjects.rfsEvent(plan.name), codecs.rfsEvent, { module: plan.name, ...event }),
          ),
        setResource: (name, value) =>
          this.publish(() =>
            this.bus.publish(subjects.resourceSet(plan.name), codecs.resourceSet, {
              module: plan.name,
              name,
              value,
              component: COMPONENT,
            }),
          ),
      });
      this.modules.set(plan.name, replication);
    }
    if (!this.lifecycle.started()) return; // stopped while starting
    this.logger.info('rfs started', {
      daemon: this.binary,
      modules: this.plan.modules.map((m) => ({ module: m.name, lan: m.lan, dirs: m.dirs, peer: m.peer })),
      refused: this.plan.refused,
    });
  }

  /** Refuses new commands first, then stops every daemon. */
  async stop(): Promise<void> {
    if (!this.lifecycle.beginStop()) return;
    await Promise.all([...this.modules.values()].map((m) => m.shutdown()));
    this.lifecycle.stopped();
  }

  /** Sets the replication role of `module` on this node (admin's rfs.cmd); HandlerError when it cannot. */
  async command(
    module: string,
    role: 'primary' | 'secondary' | 'stopped',
    full: boolean,
    from: string,
    since?: number,
  ): Promise<RfsCommandResult> {
    if (this.lifecycle.phase !== 'running') {
      throw new HandlerError('NOT_RUNNING', `the rfs service of this node is ${this.lifecycle.phase}`);
    }
    const replication = this.modules.get(module);
    if (!replication) throw this.unknown(module);
    this.logger.info('replication role requested', { module: replication.module, role, full, since, from });
    const outcome = await replication.command(role, full, since);
    this.logger[outcome.ok ? 'info' : 'error']('replication role answered', {
      module: replication.module,
      role,
      ...outcome,
    });
    return outcome;
  }

  /** The write deadline of the module's primary under the lease arbiter (admin's rfs.window). */
  window(module: string, deadlineMs: number): RfsCommandResult {
    if (this.lifecycle.phase !== 'running') {
      throw new HandlerError('NOT_RUNNING', `the rfs service of this node is ${this.lifecycle.phase}`);
    }
    const replication = this.modules.get(module);
    if (!replication) throw this.unknown(module);
    // A daemon started without --write-deadline-stdin does not read deadlines: admin must know
    // its writes are not bounded by the lease (the two services read different configurations).
    if (!this.plan.modules.find((m) => m.name === module)?.writeDeadline) {
      throw new HandlerError(
        'NOT_ARBITRATED',
        `module ${module} has no <arbiter> in the configuration the rfs service read: its primary has no write deadline`,
      );
    }
    return replication.window(deadlineMs);
  }

  /** `rfsdiff` / `rfsverify` of the module's running daemon (admin's rfs.query). */
  query(module: string, query: 'diff' | 'verify'): Promise<RfsQueryResult> {
    if (this.lifecycle.phase !== 'running') {
      throw new HandlerError('NOT_RUNNING', `the rfs service of this node is ${this.lifecycle.phase}`);
    }
    const replication = this.modules.get(module);
    if (!replication) throw this.unknown(module);
    this.logger.info(`${query === 'diff' ? 'rfsdiff' : 'rfsverify'} asked`, { module });
    return replication.query(query, this.queryTimeoutMs);
  }

  private unknown(module: string): HandlerError {
    const refusal = this.plan.refused.find((r) => r.module === module);
    if (refusal) {
      return new HandlerError('NOT_REPLICATED', `module ${module} cannot replicate: ${refusal.reason}`);
    }
    const known = this.moduleNames.join(', ') || 'none';
    return new HandlerError(
      'NOT_REPLICATED',
      `module ${module} is not replicated on this node (replicated: ${known})`,
    );
  }

  /** A bus failure must never stop the replication: it is logged and dropped. */
  private publish(send: () => void): void {
    try {
      send();
    } catch (err) {
      this.logger.warn('cannot publish on the bus', { err });
    }
  }
}
