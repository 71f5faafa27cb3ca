// The rfs service: orchestration only. For every module of this node with replicated directories
// it serves keel.v1.<module>.rfs.cmd (admin sets the replication role) and drives that module's
// keel-rfsd through the RfsDaemonPort; whatever a daemon reports is published as
// keel.v1.<module>.rfs.event, and rfs.degraded is set through resource.set. A module that cannot
// replicate on this node is still served, with an error reply saying why, so admin reports the
// cause instead of "no responders".
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
  rpcs,
  subjects,
  type BusPort,
  type RfsCommandResult,
  type ServicePresence,
  type Subscription,
} from '@keel/bus';
import { LOGGER, type Logger } from '@keel/runtime';
import type { RfsPlan } from '../core/plan';
import { RFS_DAEMONS, type RfsDaemonPort } from '../ports/daemon.port';
import { RFS_BINARY, RFS_OPTIONS, RFS_PLAN } from '../ports/tokens';
import { ModuleReplication, type ReplicationTiming } from './module-replication';

export const SERVICE_NAME = 'rfs';
/** The component named in resource.set ("set to up by rfs"). */
export const COMPONENT = 'rfs';

export type RfsServiceOptions = Partial<ReplicationTiming>;

export const DEFAULT_TIMING: ReplicationTiming = {
  mountTimeoutMs: 60_000,
  stopTimeoutMs: 20_000,
  killWaitMs: 5_000,
};

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

@Injectable()
export class RfsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private phase: Phase = 'idle';
  private readonly modules = new Map<string, ModuleReplication>();
  private subscriptions: Subscription[] = [];
  private readonly timing: ReplicationTiming;

  constructor(
    @Inject(RFS_PLAN) private readonly plan: RfsPlan,
    @Inject(RFS_BINARY) private readonly binary: string,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(RFS_DAEMONS) private readonly daemons: RfsDaemonPort,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(RFS_OPTIONS) options?: RfsServiceOptions,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...options };
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
    if (this.phase !== 'idle') return;
    this.phase = 'starting';
    this.presence('starting');
    for (const plan of this.plan.modules) {
      const replication = new ModuleReplication({
        plan,
        binary: this.binary,
        daemons: this.daemons,
        timing: this.timing,
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
      this.subscriptions.push(
        await this.bus.serve(subjects.rfsCmd(plan.name), rpcs.rfsCommand, (req) =>
          this.command(
            replication,
            req.payload.role,
            req.payload.full,
            `${req.source.service}@${req.source.node}`,
          ),
        ),
      );
    }
    for (const refusal of this.plan.refused) {
      this.subscriptions.push(
        await this.bus.serve(subjects.rfsCmd(refusal.module), rpcs.rfsCommand, () => {
          throw new HandlerError(
            'NOT_REPLICATED',
            `module ${refusal.module} cannot replicate: ${refusal.reason}`,
          );
        }),
      );
    }
    if (this.phase !== 'starting') return; // stopped while starting
    this.phase = 'running';
    this.presence('ready');
    this.logger.info('rfs started', {
      daemon: this.binary,
      modules: this.plan.modules.map((m) => ({ module: m.name, lan: m.lan, dirs: m.dirs, peer: m.peer })),
      refused: this.plan.refused,
    });
  }

  /** Unsubscribes first (no new command), then stops every daemon. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped' || this.phase === 'stopping') return;
    this.phase = 'stopping';
    this.presence('stopping');
    this.subscriptions.forEach((s) => s.unsubscribe());
    this.subscriptions = [];
    await Promise.all([...this.modules.values()].map((m) => m.shutdown()));
    this.phase = 'stopped';
  }

  private async command(
    replication: ModuleReplication,
    role: 'primary' | 'secondary' | 'stopped',
    full: boolean,
    from: string,
  ): Promise<RfsCommandResult> {
    this.logger.info('replication role requested', { module: replication.module, role, full, from });
    const outcome = await replication.command(role, full);
    this.logger[outcome.ok ? 'info' : 'error']('replication role answered', {
      module: replication.module,
      role,
      ...outcome,
    });
    return outcome;
  }

  private presence(status: ServicePresence['status']): void {
    this.publish(() =>
      this.bus.publish(subjects.nodeServices(), codecs.servicePresence, {
        service: SERVICE_NAME,
        status,
        pid: process.pid,
      }),
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
