// The checkers of one module on this node: each runs while its window is open and `checker on`
// holds, sets its resource (up/down) under its component's name, and says in the module log why
// it went down. Admin turns the resources into actions through the failover rules (reference
// §5.11); what this class does itself is SafeKit's: the splitbrain verdict on an isolation and
// the module checker's stopstart when the module it follows restarts.
import type { Clock, Logger, Timer } from '@keel/runtime';
import {
  COMPONENTS,
  type ModuleCheckPlan,
  type ModuleWatch,
  type ProbeCheck,
  type SplitbrainCheck,
} from '../core/plan';
import { ModuleView } from '../core/module-view';
import { followModule, serving, type FollowedModule } from '../core/module-follow';
import type { ProbePort, ProbeResult } from '../ports/probe.port';
import type { CustomLaunch, CustomProcess, CustomProcessPort } from '../ports/custom-process.port';

export interface ModuleChecksHost {
  readonly probes: ProbePort;
  readonly customs: CustomProcessPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where a custom checker runs and what it is given (the module scripts' environment). */
  launch(file: string, args: readonly string[]): Omit<CustomLaunch, 'file' | 'args'>;
  /** `isolation`: the question a splitbrain verdict answers. */
  set(resource: string, value: 'up' | 'down', component: string, isolation?: number): void;
  log(level: 'I' | 'E', text: string): void;
  /** Asks admin for an action on this module, in the checker's name. */
  act(action: 'restart' | 'stopstart' | 'stop', identity: string): void;
}

interface Running {
  readonly stop: () => void;
}

export class ModuleChecks {
  readonly view = new ModuleView();
  /** What each running checker last set: published on change only, and all again on demand. */
  private readonly published = new Map<string, { value: 'up' | 'down'; component: string }>();
  private readonly running = new Map<string, Running>();
  private readonly followed = new Map<string, FollowedModule>();
  /** Custom checkers being stopped: the service's own stop waits for them. */
  private readonly customStops = new Set<Promise<void>>();
  /** This module's own state, from the bus. */
  private own = { state: 'STOP', readiness: 'NotReady' };
  /** The isolation whose verdict a witness round under way will answer (questionChanged). */
  private asked: string | undefined;
  private closed = false;

  constructor(
    readonly plan: ModuleCheckPlan,
    private readonly host: ModuleChecksHost,
  ) {}

  /** A resource of this module changed (admin's resource.changed): windows, switches, peer. */
  resource(name: string, value: string): void {
    if (!this.view.update(name, value)) return;
    if (name.startsWith('heartbeat.') || name.startsWith('splitbrain.')) this.questionChanged();
    this.reconcile();
  }

  /** The state of a module of this node (keel.v1.<module>.state): its own, or one a module checker follows. */
  moduleState(module: string, state: string, readiness: string): void {
    if (module === this.plan.name) this.own = { state, readiness };
    for (const w of this.plan.watches.filter((x) => x.local && x.module === module)) {
      this.follow(w, serving(state, readiness));
    }
  }

  /** What a module checker learnt of the module it follows: its resource, and a restart acted on. */
  private follow(w: ModuleWatch, ready: boolean): void {
    const waiting = this.own.state === 'WAIT' || this.own.state === 'STOP';
    const next = followModule(this.followed.get(w.resource), ready, waiting);
    this.followed.set(w.resource, next);
    if (!this.active('pre')) return;
    this.setResource(w.resource, next.ready ? 'up' : 'down', COMPONENTS.module);
    if (next.restarted) {
      this.host.log('I', `Module ${w.module} restarted`);
      this.host.act('stopstart', COMPONENTS.module);
    }
  }

  /** Publishes every value again (a restarted admin forgot them). */
  republish(): void {
    for (const [resource, p] of this.published) this.host.set(resource, p.value, p.component);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.running.values()) r.stop();
    this.running.clear();
    await Promise.all([...this.customStops]);
  }

  private active(when: string): boolean {
    return !this.closed && this.view.checkersOn && this.view.windowOpen(when);
  }

  /** Starts what must run and stops what must not, after any change of the view. */
  private reconcile(): void {
    const wanted = new Map<string, () => Running>();
    for (const p of this.plan.probes) if (this.active(p.when)) wanted.set(p.resource, () => this.loop(p));
    for (const c of this.plan.customs)
      if (this.active(c.when)) wanted.set(c.resource, () => this.custom(c.resource, c.file, c.args));
    const sb = this.plan.splitbrain;
    if (sb && this.active('pre')) wanted.set(sb.resource, () => this.witnessLoop(sb));
    if (this.active('pre'))
      for (const w of this.plan.watches.filter((x) => !x.local))
        wanted.set(w.resource, () => this.watchLoop(w));
    for (const [resource, r] of this.running) {
      if (wanted.has(resource)) continue;
      r.stop();
      this.running.delete(resource);
      this.published.delete(resource);
    }
    for (const [resource, start] of wanted)
      if (!this.running.has(resource)) this.running.set(resource, start());
    // Local module checkers are fed by the states on the bus; their resource follows the window.
    if (this.active('pre'))
      for (const w of this.plan.watches.filter((x) => x.local)) {
        const f = this.followed.get(w.resource);
        if (f) this.setResource(w.resource, f.ready ? 'up' : 'down', COMPONENTS.module);
      }
  }

  /** Runs `round` at once, then `intervalMs` after each answer, until stopped. */
  private every(
    intervalMs: number,
    round: (live: () => boolean) => Promise<void>,
    onStop?: () => void,
  ): Running {
    let timer: Timer | undefined;
    let stopped = false;
    const live = () => !stopped;
    const run = async () => {
      try {
        await round(live);
      } catch (err) {
        // A round that throws is a bug; it is said, and the checker goes on.
        this.host.logger.error('checker round failed', { module: this.plan.name, err });
      }
      if (!stopped) timer = this.host.clock.setTimer(intervalMs, () => void run());
    };
    void run();
    return {
      stop: () => {
        stopped = true;
        timer?.cancel();
        onStop?.();
      },
    };
  }

  /** A probe every interval; the first `down` of an outage says why. */
  private loop(p: ProbeCheck): Running {
    return this.every(p.intervalMs, async (live) => {
      const r = await this.safeProbe(p);
      if (!live()) return;
      if (!r.ok && this.published.get(p.resource)?.value !== 'down')
        this.host.log('E', `${p.resource}: ${r.reason}`);
      this.setResource(p.resource, r.ok ? 'up' : 'down', p.component);
    });
  }

  /** A module of another node, through its health probe every interval (reference §5.17). */
  private watchLoop(w: ModuleWatch): Running {
    // A probe nobody answers counts as an outage: a failover of a module followed through its VIP
    // shows as nothing answering for a while (docs/decisions/0020, "Not done").
    return this.every(w.intervalMs, async (live) => {
      const r = await this.safeProbe({ target: { kind: 'ready', url: w.url }, timeoutMs: w.timeoutMs });
      if (!live()) return;
      if (!r.ok && this.published.get(w.resource)?.value !== 'down')
        this.host.log('E', `${w.resource}: ${r.reason}`);
      this.follow(w, r.ok);
    });
  }

  private async safeProbe(p: Pick<ProbeCheck, 'target' | 'timeoutMs'>): Promise<ProbeResult> {
    try {
      return await this.host.probes.probe(p.target, p.timeoutMs);
    } catch (err) {
      return { ok: false, reason: `the probe failed: ${(err as Error).message}` };
    }
  }

  /** The custom program runs for as long as its window is open; if it dies its resource goes down. */
  private custom(resource: string, file: string, args: readonly string[]): Running {
    let proc: CustomProcess | undefined;
    try {
      proc = this.host.customs.start({ file, args, ...this.host.launch(file, args) }, (how) => {
        this.host.log('E', `Custom checker ${file} for ${resource} ${how}`);
        this.setResource(resource, 'down', COMPONENTS.custom);
      });
    } catch (err) {
      this.host.log('E', `Custom checker ${file} for ${resource} cannot start: ${(err as Error).message}`);
      this.setResource(resource, 'down', COMPONENTS.custom);
    }
    return {
      stop: () => {
        if (!proc) return;
        const done = proc
          .stop()
          .catch((err: Error) => this.host.logger.warn('custom checker did not stop', { resource, err }));
        this.customStops.add(done);
        void done.finally(() => this.customStops.delete(done));
      },
    };
  }

  /**
   * The witnesses, probed every interval: `splitbrain.<ident>` is up when one of them answers
   * (reference §5.18). Each round also answers admin's open question, if any, with what it found.
   */
  private witnessLoop(sb: SplitbrainCheck): Running {
    return this.every(sb.intervalMs, async (live) => {
      const question = this.openQuestion();
      const answers = await Promise.all(
        sb.witnesses.map((addr) =>
          this.safeProbe({ target: { kind: 'ping', addr }, timeoutMs: sb.timeoutMs }),
        ),
      );
      if (!live()) return;
      const up = answers.some((a) => a.ok);
      if (!up && this.published.get(sb.resource)?.value !== 'down')
        this.host.log('E', `${sb.resource}: no witness answers (${sb.witnesses.join(', ')})`);
      this.setResource(sb.resource, up ? 'up' : 'down', COMPONENTS.splitbrain);
      // Only a round begun after the question was asked answers it, and only while it is open.
      if (question !== undefined && question === this.openQuestion())
        this.host.set('splitbrain.uptodate', up ? 'up' : 'down', COMPONENTS.splitbrain, Number(question));
    });
  }

  /**
   * Admin's question (docs/decisions/0020): once every heartbeat is lost it numbers the isolation
   * (splitbrain.isolation) and resets splitbrain.uptodate to `init`; the question is open while
   * the peer is lost and nobody answered. Admin answers `up` itself when the peer is heard again.
   */
  private openQuestion(): string | undefined {
    const isolation = this.view.get('splitbrain.isolation');
    const open = this.view.peer === 'lost' && this.view.get('splitbrain.uptodate') === 'init';
    return open && isolation !== undefined ? isolation : undefined;
  }

  /** A question newly open is answered by a fresh round of the witnesses, at once. */
  private questionChanged(): void {
    const sb = this.plan.splitbrain;
    const question = this.openQuestion();
    if (!sb || question === this.asked) return;
    this.asked = question;
    if (question === undefined || !this.running.has(sb.resource)) return;
    this.running.get(sb.resource)?.stop();
    this.running.set(sb.resource, this.witnessLoop(sb));
  }

  private setResource(resource: string, value: 'up' | 'down', component: string): void {
    if (this.published.get(resource)?.value === value) return;
    this.published.set(resource, { value, component });
    this.host.set(resource, value, component);
  }
}
