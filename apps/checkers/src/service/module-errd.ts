// errd for one module on this node (reference §5.10): while `errd on` holds and a watched class
// is active, every polltimer it looks at the node's processes (one scan shared with the other
// modules) or asks systemd about a unit, sets `proc.<name>` up or down by errd, and on a detection
// says why in the module log and acts: restart, stopstart or stop asked of admin in errd's name
// (admin writes `Action restart called by errd` and counts it towards maxloop), nothing for
// noaction, or the module's handler run, whose failure is a stopstart (docs/decisions/0020, errd).
import { basename } from 'node:path';
import type { Clock, Logger, Timer } from '@keel/runtime';
import {
  actionEnded,
  activeWatches,
  classActivity,
  IDLE,
  judge,
  pollWanted,
  sightProcesses,
  sightUnit,
  type Detection,
  type ModulePace,
  type ProcMemory,
  type Sighting,
} from '../core/errd';
import type { ErrdPlan, ProcWatch } from '../core/errd-plan';
import { ModuleView } from '../core/module-view';
import { COMPONENTS } from '../core/plan';
import type { ErrdHandlerPort, HandlerEnd, HandlerLaunch, RunningHandler } from '../ports/errd-handler.port';
import type { SystemdUnitsPort } from '../ports/systemd-units.port';
import type { ProcessScans } from './process-scans';

export type ErrdAct = 'restart' | 'stopstart' | 'stop';

export interface ModuleErrdHost {
  readonly scans: ProcessScans;
  readonly units: SystemdUnitsPort;
  readonly handlers: ErrdHandlerPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where a handler runs, what it is given and where its output goes (the module scripts' ways). */
  handlerLaunch(file: string): Pick<HandlerLaunch, 'cwd' | 'env' | 'logFile'>;
  set(resource: string, value: 'up' | 'down', component: string): void;
  log(level: 'I' | 'E', text: string): void;
  /** Asks admin for an action in errd's name; true once the automaton accepted it. */
  act(action: ErrdAct, identity: string, args: readonly string[]): Promise<boolean>;
}

export class ModuleErrd {
  private readonly view = new ModuleView();
  private readonly memory = new Map<string, ProcMemory>();
  /** What errd last set: published on change only, all again on demand. */
  private readonly published = new Map<string, 'up' | 'down'>();
  /** What went wrong reading processes or units, said once until it reads again. */
  private readonly troubles = new Map<string, string>();
  private readonly running = new Set<RunningHandler>();
  private pace: ModulePace = { ready: false, arrivals: 0 };
  private timer: Timer | undefined;
  private polling = false;
  private closed = false;

  constructor(
    readonly module: string,
    private readonly plan: ErrdPlan,
    /** A handler's time bound: the module's nicestoptimeout, as any graceful script call's. */
    private readonly handlerTimeoutMs: number,
    private readonly host: ModuleErrdHost,
  ) {}

  /** A resource of this module changed: classes' windows, errd on|off, errd enable|disable. */
  resource(name: string, value: string): void {
    const wasOn = this.view.errdOn;
    if (!this.view.update(name, value)) return;
    // Back on: admin applies what was set while off; errd says again what it sees now.
    if (!wasOn && this.view.errdOn) this.published.clear();
    this.reconcile();
  }

  /** This module's state (keel.v1.<module>.state): an action's course is followed by it. */
  moduleState(readiness: string): void {
    const ready = readiness === 'Ready';
    this.pace = { ready, arrivals: this.pace.arrivals + (ready && !this.pace.ready ? 1 : 0) };
  }

  republish(): void {
    for (const [resource, value] of this.published) this.host.set(resource, value, COMPONENTS.errd);
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    for (const h of this.running) h.kill();
  }

  private mem(w: ProcWatch): ProcMemory {
    return this.memory.get(w.resource) ?? IDLE;
  }

  /** Follows the classes' activity and polls while something is to be watched. */
  private reconcile(): void {
    const now = this.host.clock.now();
    for (const w of this.plan.procs) {
      const before = this.mem(w);
      const after = classActivity(before, this.view.errdClassActive(w.cls), now);
      // Admin resets the resource to init when the class closes: its next value is news.
      if (before.activeSince !== undefined && after.activeSince === undefined)
        this.published.delete(w.resource);
      this.memory.set(w.resource, after);
    }
    if (!this.closed && pollWanted(this.view, this.plan.procs)) this.schedule();
    else {
      this.timer?.cancel();
      this.timer = undefined;
    }
  }

  /** The next poll at the next multiple of the polltimer, where the other modules' polls fall too. */
  private schedule(): void {
    if (this.timer || this.polling) return;
    const now = this.host.clock.now();
    const p = this.plan.pollMs;
    const next = Math.floor(now / p) * p + p;
    this.timer = this.host.clock.setTimer(next - now, () => {
      this.timer = undefined;
      void this.poll();
    });
  }

  private async poll(): Promise<void> {
    if (this.closed || !pollWanted(this.view, this.plan.procs)) return;
    this.polling = true;
    try {
      const now = this.host.clock.now();
      const watches = activeWatches(this.view, this.plan.procs);
      const sightings = await this.sight(watches);
      // Switched off or closed during the scan: what it saw acts on nothing.
      if (this.closed || !this.view.errdOn) return;
      for (const w of watches) {
        const sighting = sightings.get(w.resource);
        if (sighting) this.judge(w, sighting, now);
      }
    } catch (err) {
      this.host.logger.error('errd poll failed', { module: this.module, err });
    } finally {
      this.polling = false;
      this.reconcile();
    }
  }

  private judge(w: ProcWatch, sighting: Sighting, now: number): void {
    const v = judge(w, this.mem(w), { now, pollMs: this.plan.pollMs, sighting, module: this.pace });
    this.memory.set(w.resource, v.memory);
    if (v.resource) this.publish(w.resource, v.resource);
    if (v.detection) this.detected(w, v.detection);
  }

  /** One scan for the processes, one question per unit; nothing for what could not be read. */
  private async sight(watches: readonly ProcWatch[]): Promise<Map<string, Sighting>> {
    const seen = new Map<string, Sighting>();
    const procs = watches.filter((w) => !w.service);
    const units = watches.filter((w) => w.service);
    const scan = async () => {
      if (procs.length === 0) return;
      try {
        const table = await this.host.scans.table();
        this.fine('processes');
        for (const w of procs) seen.set(w.resource, sightProcesses(w, table));
      } catch (err) {
        this.trouble('processes', `errd cannot read the node's processes: ${(err as Error).message}`);
      }
    };
    const ask = async (w: ProcWatch) => {
      const state = await this.host.units.state(w.name);
      if ('error' in state)
        return this.trouble(w.resource, `errd cannot ask systemd about ${w.name}: ${state.error}`);
      this.fine(w.resource);
      seen.set(w.resource, sightUnit(state.active));
    };
    await Promise.all([scan(), ...units.map(ask)]);
    return seen;
  }

  private detected(w: ProcWatch, d: Detection): void {
    this.host.log('E', d.message);
    switch (d.action.kind) {
      case 'noaction':
        return;
      case 'handler':
        return void this.runHandler(w, d, d.action.file);
      default:
        return void this.ask(w, d.action.kind, d);
    }
  }

  private async ask(w: ProcWatch, action: ErrdAct, d: Detection): Promise<void> {
    // restart_services: the restart's scripts are told which services to restart (reference §5.10).
    const args = action === 'restart' && w.restartServices ? ['-Services', w.restartServices] : [];
    const taken = await this.host.act(action, COMPONENTS.errd, args);
    this.memory.set(w.resource, actionEnded(this.mem(w), taken ? 'taken' : 'refused', d));
  }

  private async runHandler(w: ProcWatch, d: Detection, file: string): Promise<void> {
    const launch: HandlerLaunch = {
      file,
      args: [this.module, w.resource],
      ...this.host.handlerLaunch(file),
      timeoutMs: this.handlerTimeoutMs,
    };
    const handler = this.host.handlers.run(launch);
    this.running.add(handler);
    const end = await handler.done;
    this.running.delete(handler);
    if (this.closed) return;
    if ('code' in end && end.code === 0) {
      this.host.log('I', `errd handler ${basename(file)} handled ${w.resource}`);
      this.memory.set(w.resource, actionEnded(this.mem(w), 'handled', d));
      return;
    }
    this.host.log(
      'E',
      `errd handler ${basename(file)} for ${w.resource} ${handlerFailure(end, launch)}: stopstart`,
    );
    await this.ask(w, 'stopstart', d);
  }

  private publish(resource: string, value: 'up' | 'down'): void {
    if (this.published.get(resource) === value) return;
    this.published.set(resource, value);
    this.host.set(resource, value, COMPONENTS.errd);
  }

  private trouble(source: string, message: string): void {
    if (this.troubles.get(source) === message) return;
    this.troubles.set(source, message);
    this.host.log('E', message);
  }

  private fine(source: string): void {
    this.troubles.delete(source);
  }
}

function handlerFailure(end: HandlerEnd, launch: HandlerLaunch): string {
  if ('code' in end) return `exited with code ${end.code}`;
  if ('signal' in end) return `was killed by ${end.signal}`;
  if ('timedOut' in end)
    return `did not end within ${launch.timeoutMs / 1000}s (its process group was killed)`;
  return `could not run: ${end.error}`;
}
