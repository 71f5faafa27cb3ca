// The checkers service: orchestration only. For every module of this node with checkers or errd
// it keeps a ModuleChecks fed with the module's resources and the node's module states (the
// controller receives them), publishes what the checkers find as resource.set, writes why in the
// module log, and asks admin for the actions SafeKit's components take themselves (errd's, the
// module checker's stopstart) on its own command subject (docs/decisions/0020).
import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  BUS,
  BusRemoteError,
  codecs,
  rpcs,
  subjects,
  type BusPort,
  type ResourceChanged,
  type ServicePresence,
  type StateChange,
} from '@keel/bus';
import { basename } from 'node:path';
import { modulePaths, scriptEnv, userlogFile, type NodePaths } from '@keel/config';
import { argvNeededBy } from '@keel/procs';
import { CLOCK, Lifecycle, LOGGER, METRICS_REGISTRY, type Clock, type Logger } from '@keel/runtime';
import type { Registry } from 'prom-client';
import type { CheckersPlan, ModuleCheckPlan } from '../core/plan';
import { CUSTOM_PROCESSES, type CustomProcessPort } from '../ports/custom-process.port';
import { ERRD_HANDLERS, type ErrdHandlerPort } from '../ports/errd-handler.port';
import { PROBES, type ProbePort } from '../ports/probe.port';
import { PROCESS_TABLE, type ProcessTablePort } from '../ports/process-table.port';
import { SYSTEMD_UNITS, type SystemdUnitsPort } from '../ports/systemd-units.port';
import { CHECKERS_PLACES, CHECKERS_PLAN } from '../ports/tokens';
import { ModuleChecks, type ModuleChecksHost } from './module-checks';
import { ModuleErrd, type ErrdAct, type ModuleErrdHost } from './module-errd';
import { ProcessScans } from './process-scans';
import { CheckersMetrics } from './checkers.metrics';

export const SERVICE_NAME = 'checkers';
/** The component named in the module log lines this service writes. */
export const COMPONENT = 'checkers';
/** An action asked of admin is answered once the automaton accepted it. */
const ACTION_TIMEOUT_MS = 10_000;
/** A handler's bound without <user> (none runs then; reference default of nicestoptimeout). */
const DEFAULT_HANDLER_TIMEOUT_S = 300;

/** Where the modules' programs run: the node's places and the environment keel was started with. */
export interface CheckersPlaces {
  readonly dirs: NodePaths;
  readonly env: Readonly<Record<string, string | undefined>>;
}

@Injectable()
export class CheckersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lifecycle = new Lifecycle();
  private readonly modules = new Map<string, ModuleChecks>();
  private readonly errds = new Map<string, ModuleErrd>();
  private readonly metrics: CheckersMetrics | undefined;

  constructor(
    @Inject(CHECKERS_PLAN) private readonly plan: CheckersPlan,
    @Inject(CHECKERS_PLACES) private readonly places: CheckersPlaces,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(PROBES) private readonly probes: ProbePort,
    @Inject(CUSTOM_PROCESSES) private readonly customs: CustomProcessPort,
    @Inject(PROCESS_TABLE) private readonly processes: ProcessTablePort,
    @Inject(SYSTEMD_UNITS) private readonly units: SystemdUnitsPort,
    @Inject(ERRD_HANDLERS) private readonly handlers: ErrdHandlerPort,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    this.metrics = registry ? new CheckersMetrics(registry) : undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.lifecycle.beginStart()) return;
    for (const m of this.plan.modules) this.modules.set(m.name, new ModuleChecks(m, this.host(m)));
    // One scan of the node's processes per due poll for every module's errd.
    const selectors = this.plan.modules.flatMap((m) => m.errd?.procs.map((p) => p.selector) ?? []);
    const scans = new ProcessScans(this.processes, this.clock, argvNeededBy(selectors));
    for (const m of this.plan.modules) {
      if (!m.errd) continue;
      const timeoutMs = (m.user?.nicestoptimeout ?? DEFAULT_HANDLER_TIMEOUT_S) * 1000;
      this.errds.set(m.name, new ModuleErrd(m.name, m.errd, timeoutMs, this.errdHost(m, scans)));
    }
    this.logger.info('checkers ready', { modules: [...this.modules.keys()] });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.errds.forEach((e) => e.close());
    await Promise.all([...this.modules.values()].map((m) => m.close()));
  }

  get moduleNames(): string[] {
    return [...this.modules.keys()];
  }

  resourceChanged(change: ResourceChanged): void {
    this.modules.get(change.module)?.resource(change.name, change.value);
    this.errds.get(change.module)?.resource(change.name, change.value);
  }

  moduleState(change: StateChange): void {
    for (const m of this.modules.values()) m.moduleState(change.module, change.state, change.readiness);
    this.errds.get(change.module)?.moduleState(change.readiness);
  }

  /** A restarted admin forgot what the checkers said: say it again. */
  servicePresence(presence: ServicePresence): void {
    if (presence.service === 'admin' && presence.status === 'ready') {
      this.modules.forEach((m) => m.republish());
      this.errds.forEach((e) => e.republish());
    }
  }

  private host(m: ModuleCheckPlan): ModuleChecksHost {
    const paths = modulePaths(this.places.dirs, m.name);
    return {
      probes: this.probes,
      customs: this.customs,
      clock: this.clock,
      logger: this.logger,
      launch: () => ({
        cwd: paths.bin,
        env: scriptEnv({ dirs: this.places.dirs, paths, node: this.plan.node }, m.user, this.places.env),
        logFile: undefined,
      }),
      set: (name, value, component, isolation) => this.publish(m.name, name, value, component, isolation),
      log: (level, text) => this.moduleLog(m.name, level, text),
      act: (action, identity) => void this.act(m.name, action, identity),
    };
  }

  private errdHost(m: ModuleCheckPlan, scans: ProcessScans): ModuleErrdHost {
    const paths = modulePaths(this.places.dirs, m.name);
    return {
      scans,
      units: this.units,
      handlers: this.handlers,
      clock: this.clock,
      logger: this.logger,
      handlerLaunch: (file) => ({
        cwd: paths.bin,
        env: scriptEnv({ dirs: this.places.dirs, paths, node: this.plan.node }, m.user, this.places.env),
        // Its output in a userlog of its own, as a script's (reference §6.4).
        logFile: m.user?.logging === 'userlog' ? userlogFile(paths, basename(file), new Date()) : undefined,
      }),
      set: (name, value, component) => this.publish(m.name, name, value, component),
      log: (level, text) => this.moduleLog(m.name, level, text),
      act: (action, identity, args) => this.act(m.name, action, identity, args),
    };
  }

  private publish(module: string, name: string, value: string, component: string, isolation?: number): void {
    try {
      this.bus.publish(subjects.resourceSet(module), codecs.resourceSet, {
        module,
        name,
        value,
        component,
        ...(isolation === undefined ? {} : { isolation }),
      });
      this.metrics?.set(module, name, value);
    } catch (err) {
      this.logger.error('cannot publish a resource', { module, name, value, err });
    }
  }

  private moduleLog(module: string, level: 'I' | 'E', message: string): void {
    try {
      this.bus.publish(subjects.log(module), codecs.logLine, {
        module,
        level,
        message,
        component: COMPONENT,
      });
    } catch (err) {
      this.logger.warn('cannot publish a module log line', { module, err });
    }
  }

  /** True once admin's automaton accepted the action; a refusal is said in the module log. */
  private async act(
    module: string,
    name: ErrdAct,
    identity: string,
    args: readonly string[] = [],
  ): Promise<boolean> {
    try {
      await this.bus.request(
        subjects.cmd(module, 'checkers'),
        rpcs.moduleCommand,
        { module, name, args: [...args], identity },
        { timeoutMs: ACTION_TIMEOUT_MS },
      );
      return true;
    } catch (err) {
      this.logger.warn('admin did not take an action', { module, action: name, identity, err });
      this.moduleLog(
        module,
        'E',
        `Action ${name} asked by ${identity} was not taken: ${err instanceof BusRemoteError ? err.remoteMessage : (err as Error).message}`,
      );
      return false;
    }
  }
}
