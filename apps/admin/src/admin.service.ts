import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  BUS,
  BusPort,
  HandlerError,
  type CommandResult,
  type FarmViewMessage,
  type HeartbeatView,
  type LogLine,
  type ModuleCommand,
  type ResourceSet,
  type RfsEvent,
  type ServicePresence,
} from '@keel/bus';
import { modulePaths } from '@keel/config';
import { LOGGER, Logger, SERVICE_PRESENCE, type ServicePresenceAnnouncer } from '@keel/runtime';
import { FileModuleLog } from './adapters/module-log';
import { StateStore } from './adapters/state-store';
import { SCRIPT_RUNNER, ScriptRunner } from './ports/script-runner.port';
import type { Clock, Timer } from './ports/clock.port';
import { FENCE, FencePort } from './ports/fence.port';
import { NODE_REBOOT, NodeReboot } from './ports/node-reboot.port';
import { assertCallerMayAsk, commandCallerName } from './modules/command-caller';
import { handleCommand } from './modules/command-handler';
import { recorded } from './modules/command-record';
import type { CommandLogPort } from './ports/command-log.port';
import { ModuleRuntime } from './modules/module-runtime';
import type { AdminSettings } from './settings';

export const ADMIN_OPTIONS = Symbol.for('keel.admin.options');

export interface AdminOptions {
  readonly settings: AdminSettings;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How often time is given to the automata and the rules (ms). */
  readonly tickMs: number;
  readonly clock: Clock;
  /** When this machine booted (ms since the epoch). */
  readonly bootedAt: number;
  /** The node's commands log (<KEEL_VAR>/commands.log); none: commands are not recorded. */
  readonly commandLog?: CommandLogPort;
}

/**
 * The module engine of this node: one ModuleRuntime per installed module, time ticking; what the
 * node's bus brings (AdminController receives it) goes to the runtime of its module.
 */
@Injectable()
export class AdminService implements OnModuleInit, BeforeApplicationShutdown {
  readonly runtimes = new Map<string, ModuleRuntime>();
  private timer: Timer | undefined;
  private commandSeq = 0;

  constructor(
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(SCRIPT_RUNNER) private readonly runner: ScriptRunner,
    @Inject(FENCE) private readonly fences: FencePort,
    @Inject(NODE_REBOOT) private readonly reboot: NodeReboot,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_PRESENCE) private readonly presence: ServicePresenceAnnouncer,
  ) {}

  async onModuleInit(): Promise<void> {
    const { settings, env, clock } = this.options;
    const { paths: dirs, node } = settings;
    for (const installed of settings.modules) {
      const paths = modulePaths(dirs, installed.name);
      const rt = new ModuleRuntime({
        dirs,
        paths,
        node,
        cluster: settings.cluster,
        loaded: { config: installed.config, warnings: installed.warnings },
        runner: this.runner,
        fences: this.fences,
        reboot: this.reboot,
        log: new FileModuleLog(paths.logFile, settings.moduleLog),
        store: new StateStore(paths.stateFile),
        bus: this.bus,
        clock,
        env,
        bootedAt: this.options.bootedAt,
      });
      this.runtimes.set(rt.module, rt);
      this.logger.info('module loaded', { module: rt.module, mode: installed.config.mode });
    }
    this.tick();
  }

  /** Gives time to the automata and the rules every tickMs, until the shutdown. */
  private tick(): void {
    this.timer = this.options.clock.setTimer(this.options.tickMs, () => {
      this.runtimes.forEach((rt) => rt.tick());
      this.tick();
    });
  }

  /** A module command (keel.v1.<module>.cmd.<caller>): who asked comes from the subject. */
  command(module: string, subject: string, command: ModuleCommand): Promise<CommandResult> {
    const rt = this.runtimes.get(module);
    if (rt) {
      const caller = commandCallerName(subject, command);
      // Written in the commands log with who asked and how it ended, refusals included.
      return recorded(
        this.options.commandLog,
        () => `${process.pid}.${++this.commandSeq}`,
        () => new Date(this.options.clock.now()),
        command,
        caller,
        async () => {
          assertCallerMayAsk(subject, command, rt.detectionsOn);
          return handleCommand(rt, command, caller);
        },
      );
    }
    // Each is also an error note of the start-up report.
    const failed = this.options.settings.failed.find((f) => f.name === module);
    if (failed) throw new HandlerError('INVALID_CONFIG', `module ${module} cannot run: ${failed.error}`);
    const known = [...this.runtimes.keys(), ...this.options.settings.failed.map((f) => f.name)];
    throw new HandlerError(
      'UNKNOWN_MODULE',
      `unknown module ${module} (installed: ${known.join(', ') || 'none'})`,
    );
  }

  /** What heartbeat says of the module's peer. */
  heartbeatView(view: HeartbeatView): void {
    const rt = this.runtimes.get(view.module);
    const peer = view.peers[0];
    if (!rt || !peer) return;
    const remote =
      peer.state === 'UNKNOWN' || peer.readiness === 'UNKNOWN'
        ? 'UNKNOWN'
        : { state: peer.state, readiness: peer.readiness };
    rt.peer(remote, peer.resources ?? {});
  }

  /**
   * A service of this node is ready. A (re)started heartbeat knows nothing until told: tell it
   * everything again, admin's own presence included (heartbeat follows admin's process and stops
   * speaking for the modules when it dies); admin's own `ready` comes once its handlers listen, so
   * heartbeats started before it are told too. A (re)started rfs runs no daemon: the runtimes ask
   * again or resynchronise.
   */
  servicePresence(presence: ServicePresence): void {
    if (presence.status !== 'ready') return;
    if (presence.service === 'heartbeat') this.presence.announce('ready');
    // A (re)started checkers service learns the windows and switches from the resources, the api
    // service the states its health probes answer with.
    if (['heartbeat', 'admin', 'checkers', 'api'].includes(presence.service))
      this.runtimes.forEach((rt) => rt.republish());
    if (presence.service === 'rfs') this.runtimes.forEach((rt) => rt.replicationServiceReady());
    if (presence.service === 'vip') this.runtimes.forEach((rt) => rt.vipServiceReady());
  }

  /** A line another keel service says in the module's log. */
  componentLog(module: string, line: LogLine): void {
    this.runtimes.get(module)?.record(line.level, line.message);
  }

  /** The farm view heartbeat follows for a farm module. */
  farmView(view: FarmViewMessage): void {
    this.runtimes.get(view.module)?.farmView(view);
  }

  rfsEvent(event: RfsEvent): void {
    this.runtimes.get(event.module)?.replicationEvent(event);
  }

  /** A component sets a resource of the module the subject names. */
  resourceSet(module: string, set: ResourceSet): void {
    this.runtimes.get(module)?.componentResource(set.name, set.value, set.component, set.isolation);
  }

  /**
   * SIGTERM (as systemd sends it when the machine shuts down): every started module runs SafeKit's
   * shutdown action — its stop scripts, STOP — while the bus and the ticks still run; then the
   * bus closes (serviceBusProviders closes it on application shutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((rt) => rt.shutdown()));
    this.timer?.cancel();
    this.runtimes.forEach((rt) => rt.close());
  }
}
