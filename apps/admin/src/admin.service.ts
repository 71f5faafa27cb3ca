import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  BUS,
  BusPort,
  codecs,
  HandlerError,
  parseModuleSubject,
  rpcs,
  subjects,
  Subscription,
} from '@keel/bus';
import { modulePaths } from '@keel/config';
import { LOGGER, Logger } from '@keel/runtime';
import { FileModuleLog } from './adapters/module-log';
import { StateStore } from './adapters/state-store';
import { SCRIPT_RUNNER, ScriptRunner } from './ports/script-runner.port';
import { FENCE, FencePort } from './ports/fence.port';
import { NODE_REBOOT, NodeReboot } from './ports/node-reboot.port';
import { commandCallerName } from './runtime/command-caller';
import { handleCommand } from './runtime/command-handler';
import { ModuleRuntime } from './runtime/module-runtime';
import type { AdminSettings } from './settings';

export const ADMIN_OPTIONS = Symbol.for('keel.admin.options');

export interface AdminOptions {
  readonly settings: AdminSettings;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How often time is given to the automata and the rules (ms). */
  readonly tickMs: number;
  readonly now: () => number;
  /** When this machine booted (ms since the epoch). */
  readonly bootedAt: number;
}

/**
 * The module engine of this node: one ModuleRuntime per installed module, commands served on the
 * node's bus, heartbeat views and component resources fed in, time ticking.
 */
@Injectable()
export class AdminService implements OnModuleInit, BeforeApplicationShutdown {
  readonly runtimes = new Map<string, ModuleRuntime>();
  private readonly subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(SCRIPT_RUNNER) private readonly runner: ScriptRunner,
    @Inject(FENCE) private readonly fences: FencePort,
    @Inject(NODE_REBOOT) private readonly reboot: NodeReboot,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const { settings, env, now } = this.options;
    const { paths: dirs, node } = settings;
    // Each is also an error note of the start-up report.
    for (const failed of settings.failed) {
      this.subscriptions.push(
        await this.bus.serve(subjects.cmdFromAnyCaller(failed.name), rpcs.moduleCommand, () => {
          throw new HandlerError('INVALID_CONFIG', `module ${failed.name} cannot run: ${failed.error}`);
        }),
      );
    }
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
        now,
        env,
        bootedAt: this.options.bootedAt,
      });
      this.runtimes.set(rt.module, rt);
      this.subscriptions.push(
        // Who asked comes from the subject (its caller's credential), never from the message.
        await this.bus.serve(subjects.cmdFromAnyCaller(rt.module), rpcs.moduleCommand, (req, ctx) =>
          handleCommand(rt, req.payload, commandCallerName(ctx.subject, req.payload)),
        ),
      );
      this.logger.info('module loaded', { module: rt.module, mode: installed.config.mode });
    }
    this.subscriptions.push(
      await this.bus.subscribe(subjects.anyModule('heartbeatView'), codecs.heartbeatView, (msg) => {
        const rt = this.runtimes.get(msg.payload.module);
        const peer = msg.payload.peers[0];
        if (!rt || !peer) return;
        const remote =
          peer.state === 'UNKNOWN' || peer.readiness === 'UNKNOWN'
            ? 'UNKNOWN'
            : { state: peer.state, readiness: peer.readiness };
        rt.peer(remote, peer.resources ?? {});
      }),
      // A (re)started heartbeat service knows nothing until told: tell it everything again. A
      // (re)started rfs service runs no daemon: the runtimes ask again or resynchronise.
      await this.bus.subscribe(subjects.nodeServices(), codecs.servicePresence, (msg) => {
        if (msg.payload.status !== 'ready') return;
        if (msg.payload.service === 'heartbeat') this.runtimes.forEach((rt) => rt.republish());
        if (msg.payload.service === 'rfs') this.runtimes.forEach((rt) => rt.replicationServiceReady());
      }),
      await this.bus.subscribe(subjects.anyModule('rfsEvent'), codecs.rfsEvent, (msg) => {
        this.runtimes.get(msg.payload.module)?.replicationEvent(msg.payload);
      }),
      await this.bus.subscribe(subjects.anyModule('resourceSet'), codecs.resourceSet, (msg, ctx) => {
        const target = parseModuleSubject(ctx.subject);
        const rt = target && this.runtimes.get(target.module);
        rt?.setResource(msg.payload.name, msg.payload.value, msg.payload.component);
      }),
    );
    this.runtimes.forEach((rt) => rt.republish());
    this.timer = setInterval(() => this.runtimes.forEach((rt) => rt.tick()), this.options.tickMs);
  }

  /**
   * SIGTERM (as systemd sends it when the machine shuts down): every started module runs SafeKit's
   * shutdown action — its stop scripts, STOP — while the bus and the ticks still run; then the
   * bus closes (serviceBusProviders closes it on application shutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((rt) => rt.shutdown()));
    if (this.timer) clearInterval(this.timer);
    this.runtimes.forEach((rt) => rt.close());
    this.subscriptions.forEach((s) => s.unsubscribe());
  }
}
