import { allCheckers, ClusterConfig, LoadedModule, moduleNodes } from '@keel/config';
import {
  advertisedFacts,
  Effect,
  initialMirror,
  MirrorCommand,
  MirrorEngine,
  MirrorInput,
  MirrorSettings,
  PeerFacts,
  RemoteState,
  stepMirror,
} from '@keel/engine';
import { BusPort, codecs, RfsEvent, subjects } from '@keel/bus';
import type { ModulePaths, NodePaths } from '@keel/config';
import { ScriptRunner } from '../ports/script-runner.port';
import { Fence, FencePort } from '../ports/fence.port';
import { NodeReboot } from '../ports/node-reboot.port';
import type { LogLevel, LogPageRequest, ModuleLogPort } from '../ports/module-log.port';
import { StateStore, StoredModule } from '../adapters/state-store';
import { ResourceTable } from './resources';
import { scriptEnv, userlogFile } from './script-env';
import { RulesDriver } from './rules-driver';
import { launchDecision } from './launch';
import { ReplicationControl, RFS_COMMAND_TIMEOUT_MS } from './replication';

export interface RuntimeDeps {
  readonly dirs: NodePaths;
  readonly paths: ModulePaths;
  readonly node: string;
  readonly cluster: ClusterConfig;
  readonly loaded: LoadedModule;
  readonly runner: ScriptRunner;
  readonly fences: FencePort;
  readonly reboot: NodeReboot;
  readonly log: ModuleLogPort;
  readonly store: StateStore;
  readonly bus: BusPort;
  readonly now: () => number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** When this machine booted (ms since the epoch). */
  readonly bootedAt: number;
  /** How long a replication request may wait for the rfs service (default RFS_COMMAND_TIMEOUT_MS). */
  readonly rfsTimeoutMs?: number;
}

export interface CommandOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** How long a new fence waits for the previous one to end. */
const FENCE_CLOSE_WAIT_MS = 30_000;

/** Facts the peer advertises, carried as resources by the heartbeats. */
const FACT_RESOURCES: Record<keyof PeerFacts, string> = {
  generation: 'heart.generation',
  lastPrim: 'heart.lastprim',
  aloneFromSecond: 'heart.alonefromsecond',
  swapRequest: 'heart.swaprequest',
  uptodate: 'rfs.uptodate',
  fullsync: 'rfs.fullsync',
  exitingAlone: 'heart.exitingalone',
  forcedPrim: 'heart.forcedprim',
};

/**
 * One module on this node: feeds the pure automaton its inputs one at a time, persists what must
 * survive, and carries out its effects (scripts as processes, the module log, bus messages).
 *
 * Effects are carried out strictly in the order the automaton gave them, across steps: a
 * replication request holds every effect after it until rfs has answered, so a primary's
 * start_prim never runs before its replicated directories are mounted, and a stop goes on only
 * once the daemon is gone. Only command replies pass ahead (they tell a caller its command was
 * accepted, nothing in the world depends on them).
 */
export class ModuleRuntime {
  private engine: MirrorEngine;
  private readonly inputs: MirrorInput[] = [];
  private draining = false;
  private readonly pending = new Map<string, (o: CommandOutcome) => void>();
  private ids = 0;
  readonly resources = new ResourceTable();
  private settingsStored: StoredModule['settings'];
  private readonly rules: RulesDriver;
  private launchTimer: NodeJS.Timeout | undefined;
  private remoteResources: Readonly<Record<string, string>> | undefined;
  /** Effects not carried out yet, in order; held while a replication request waits. */
  private readonly effects: Effect[] = [];
  private holding = false;
  private carrying = false;
  private readonly replication: ReplicationControl;
  /** The namespace the module's scripts and application run in, from its first script to STOP. */
  private fence: Promise<Fence> | undefined;
  /** The end of the previous fence: a new one waits for it (its leftovers hold ports, files). */
  private fenceClosed: Promise<void> = Promise.resolve();
  private closed = false;
  /** The node's keel is going down: the module stops but counts as running (launch.ts). */
  private shuttingDown = false;

  constructor(private readonly deps: RuntimeDeps) {
    this.rules = new RulesDriver(deps.loaded.config);
    this.replication = new ReplicationControl({
      module: deps.paths.module,
      bus: deps.bus,
      now: deps.now,
      dirs: deps.loaded.config.rfs?.replicated.map((r) => r.dir) ?? [],
      timeoutMs: deps.rfsTimeoutMs ?? RFS_COMMAND_TIMEOUT_MS,
      engine: () => this.engine,
      write: (level, text) => this.write(level, text),
      submit: (input) => this.submit(input),
      restart: () => void this.command('stopstart', [], 'rfs', 'rfs'),
    });
    const stored = deps.store.load();
    this.settingsStored = stored.settings;
    this.engine = initialMirror(settingsFor(deps), deps.now(), stored.facts);
    this.resetCheckerResources();
    this.publishFacts();
    const launch = launchDecision({
      boot: deps.loaded.config.service.boot,
      bootDelaySec: deps.loaded.config.service.bootDelay,
      stored,
      sameBoot: stored.savedAt !== undefined && stored.savedAt >= deps.bootedAt,
    });
    if (launch.start) {
      this.write('I', `Starting the module: ${launch.reason}`);
      this.launchTimer = setTimeout(
        () => void this.command('start', [], undefined, 'boot', true),
        launch.delayMs,
      );
    }
  }

  get module(): string {
    return this.deps.paths.module;
  }

  get state(): { state: string; readiness: string; remote: RemoteState } {
    return { state: this.engine.state, readiness: this.engine.readiness, remote: this.engine.remote };
  }

  get settings(): StoredModule['settings'] {
    return this.settingsStored;
  }

  /**
   * Runs a module command; resolves when the automaton accepted or refused it. `atBoot`: the
   * start keel makes by itself at launch.
   */
  command(
    name: MirrorCommand['name'],
    args: readonly string[],
    identity: string | undefined,
    caller: string,
    atBoot = false,
  ): Promise<CommandOutcome> {
    const id = `cmd-${++this.ids}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.submit({
        kind: 'command',
        command: { id, name, args, identity, caller, ...(atBoot ? { atBoot } : {}) },
      });
    });
  }

  saveSettings(change: Partial<StoredModule['settings']>): void {
    this.settingsStored = { ...this.settingsStored, ...change };
    this.persist();
  }

  /** The peer as the heartbeats see it. */
  peer(remote: RemoteState, resources: Readonly<Record<string, string>>): void {
    this.remoteResources = remote === 'UNKNOWN' ? undefined : resources;
    const facts = Object.fromEntries(
      Object.entries(FACT_RESOURCES).map(([key, res]) => [
        key,
        key === 'generation' ? Number(resources[res] ?? 0) : resources[res] === 'up',
      ]),
    ) as Partial<PeerFacts>;
    this.submit({ kind: 'peer', remote, facts });
  }

  setResource(name: string, value: string, by: string, quiet = false): void {
    const change = this.resources.set(name, value, by, this.deps.now());
    if (!change) return;
    if (!quiet) this.write('I', `Resource ${name} set to ${value} by ${by}`);
    this.deps.bus.publish(subjects.resourceChanged(this.module), codecs.resourceChanged, {
      module: this.module,
      name,
      value,
      component: by.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'admin',
      previous: change.previous,
    });
  }

  /** Publishes the state and every resource again, for a service that (re)joined the bus. */
  republish(): void {
    this.publishState(this.engine.state, this.engine.readiness);
    for (const [name, r] of this.resources.entries()) {
      this.deps.bus.publish(subjects.resourceChanged(this.module), codecs.resourceChanged, {
        module: this.module,
        name,
        value: r.value,
        component: 'admin',
      });
    }
  }

  /**
   * Every configured checker's resource starts as `init` (reference §5.11): a wait rule on it
   * holds the start in WAIT (Transient) until the checker has spoken. Back to `init` at STOP.
   */
  private resetCheckerResources(): void {
    const c = this.deps.loaded.config.check;
    const names = allCheckers(c).map((x) => `${x.kind}.${x.ident}`);
    if (c.splitbrain) names.push('splitbrain.uptodate');
    for (const name of names) this.setResource(name, 'init', 'admin', true);
  }

  /**
   * Cancels a pending boot start (admin is shutting down; the fences die with admin, and their end
   * is then no loss to act on).
   */
  /**
   * SafeKit's shutdown action, as the node's keel goes down: a started module runs its stop
   * scripts to STOP, so that its peer takes over from a clean stop, and is started again at the
   * next launch as if it had kept running (docs/decisions/0015). Resolves at STOP, or when the
   * stop scripts' own time bounds have passed.
   */
  async shutdown(): Promise<void> {
    if (this.engine.state === 'STOP' && !this.engine.job) return;
    this.shuttingDown = true;
    await this.command('shutdown', [], undefined, 'SYSTEM/root');
    const user = this.deps.loaded.config.user;
    const bound = ((user?.nicestoptimeout ?? 300) + (user?.forcestoptimeout ?? 300) + 5) * 1000;
    for (const until = this.deps.now() + bound; this.engine.state !== 'STOP' || this.engine.job;) {
      if (this.deps.now() > until) {
        this.write('E', "Shutdown: the module did not reach STOP within its stop scripts' time bounds");
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    this.closed = true;
    if (this.launchTimer) clearTimeout(this.launchTimer);
  }

  /** The module's fence, opened for its first script (docs/decisions/0013). */
  private openFence(): Promise<Fence> {
    if (this.fence) return this.fence;
    const opened: Promise<Fence> = this.fenceClosed.then(() =>
      this.deps.fences.open({
        module: this.module,
        dirs: this.deps.loaded.config.rfs?.replicated.map((r) => r.dir) ?? [],
        onLost: (reason) => {
          if (this.closed || this.fence !== opened) return;
          this.fence = undefined;
          this.write(
            'E',
            `The application's fence ended unasked (${reason}): every process of the module was killed`,
          );
          if (this.engine.state !== 'STOP') void this.command('stopstart', [], 'fence', 'admin');
        },
      }),
    );
    this.fence = opened;
    // A fence that could not be made is tried again by the next script.
    opened.catch(() => {
      if (this.fence === opened) this.fence = undefined;
    });
    return opened;
  }

  /**
   * At STOP: ends the fence, and whatever the stop scripts left running in it. A process that will
   * not die (stuck in the kernel on a dead disk) holds the next start back FENCE_CLOSE_WAIT_MS at
   * most, with an error line.
   */
  private closeFence(): void {
    const fence = this.fence;
    this.fence = undefined;
    if (!fence) return;
    const ended = fence.then((f) => f.close()).catch(() => undefined);
    this.fenceClosed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.write(
          'E',
          `The application's fence did not end within ${FENCE_CLOSE_WAIT_MS / 1000}s: a process in it does not die; starting anyway`,
        );
        resolve();
      }, FENCE_CLOSE_WAIT_MS);
      // Nothing to keep admin alive for at its shutdown: the fences die with it.
      timer.unref();
      void ended.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  logPage(request: LogPageRequest) {
    return this.deps.log.page(request);
  }

  submit(input: MirrorInput): void {
    this.inputs.push(input);
    this.drain();
  }

  /** What this module's replication daemon reported (keel.v1.<module>.rfs.event). */
  replicationEvent(e: RfsEvent): void {
    this.replication.onEvent(e);
  }

  /** The node's rfs service announced itself ready: it may have restarted without its daemons. */
  replicationServiceReady(): void {
    this.replication.onServiceReady();
  }

  /** Lets time act: peer-silence and maxloop windows, and the failover rules when an evaluation is due. */
  tick(): void {
    this.submit({ kind: 'tick' });
    this.replication.tick();
    const outcome = this.rules.step({
      now: this.deps.now(),
      local: Object.fromEntries(this.resources.values()),
      remote: this.remoteResources,
      waiting: this.engine.holds.length > 0,
      running: this.engine.state !== 'STOP',
    });
    outcome.logs.forEach((l) => this.write('I', l));
    outcome.assignments.forEach((a) => this.setResource(a.resource, a.value, a.rule));
    outcome.inputs.forEach((i) => this.submit(i));
    // A start closes the automaton's gate; the rules' latest verdict reopens it (every tick, so a
    // start that follows another without a stop is never left waiting for a change).
    const gate = this.rules.gateOpen;
    if (gate !== undefined && this.engine.state === 'WAIT' && gate !== this.engine.gateOpen)
      this.submit({ kind: 'gate', open: gate });
  }

  write(level: LogLevel, text: string): void {
    this.deps.log.write({ at: new Date(this.deps.now()), level, text });
    this.deps.bus.publish(subjects.log(this.module), codecs.logLine, {
      module: this.module,
      level,
      message: text.slice(0, 8192),
    });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let input = this.inputs.shift(); input; input = this.inputs.shift()) {
        const before = this.engine;
        const { engine, effects } = stepMirror(before, input, this.deps.now());
        this.engine = engine;
        this.effects.push(...effects);
        this.carryEffects();
        if (engine.facts !== before.facts || engine.state !== before.state) this.persist();
        this.publishFacts();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Carries out the queued effects in order, up to the first replication request. */
  private carryEffects(): void {
    if (this.carrying) return;
    this.carrying = true;
    try {
      // Replies are answers to callers, not actions: they never wait behind a replication.
      for (const reply of this.effects.filter((e) => e.kind === 'reply')) this.carry(reply);
      this.effects.splice(0, this.effects.length, ...this.effects.filter((e) => e.kind !== 'reply'));
      while (!this.holding && this.effects.length > 0) {
        const e = this.effects.shift() as Effect;
        if (e.kind === 'replication') this.replicate(e);
        else this.carry(e);
      }
    } finally {
      this.carrying = false;
    }
  }

  /** Holds the effects behind a replication request until rfs has answered it. */
  private replicate(e: Extract<Effect, { kind: 'replication' }>): void {
    this.holding = true;
    void this.replication.request(e.role, e.full).then((outcome) => {
      this.holding = false;
      if (!outcome.ok && e.role !== 'stopped') return this.abandonTransition();
      // A daemon that would not stop is left to the next start (it clears a dead mount); the
      // stop itself goes on.
      this.carryEffects();
    });
  }

  /**
   * A replication that could not start: the rest of the transition (the application's start
   * scripts above all) must not run on directories that are not replicated. What was queued
   * behind it is dropped and the module is stopped at once (forcestop by rfs, which also ends
   * the transition in the automaton); the administrator starts it again once the cause is fixed.
   */
  private abandonTransition(): void {
    this.effects.splice(0);
    this.write('E', 'Replication could not start: the module stops without running its start scripts');
    void this.command('forcestop', [], 'rfs', 'rfs');
  }

  private persist(): void {
    this.deps.store.save({
      facts: this.engine.facts,
      running: this.shuttingDown || this.engine.state !== 'STOP',
      settings: this.settingsStored,
      savedAt: this.deps.now(),
    });
  }

  private publishFacts(): void {
    const facts = advertisedFacts(this.engine);
    for (const [key, resource] of Object.entries(FACT_RESOURCES) as [keyof PeerFacts, string][]) {
      const v = facts[key];
      this.setResource(resource, typeof v === 'number' ? String(v) : v ? 'up' : 'down', 'admin', true);
    }
    const fo = this.engine.facts.failover ?? this.engine.settings.failover;
    this.setResource('usersetting.failover', fo ? 'on' : 'off', 'admin', true);
  }

  private carry(e: Effect): void {
    switch (e.kind) {
      case 'state':
        this.setResource('state.local', `${e.state} ${e.readiness}`, 'admin', true);
        if (e.state === 'STOP') {
          this.resetCheckerResources();
          this.closeFence();
        }
        return this.publishState(e.state, e.readiness);
      case 'log':
        return this.write(e.level, e.text);
      case 'reply': {
        const resolve = this.pending.get(e.id);
        this.pending.delete(e.id);
        resolve?.({ ok: e.ok, message: e.message });
        return;
      }
      case 'script':
        return this.runScript(e.name, e.args, e.token);
      case 'vip':
        return this.write('V', `Virtual IP ${e.op === 'set' ? 'set' : 'removed'} (requested)`);
      case 'replication':
        // Carried by replicate(); never reaches here.
        return;
      case 'window':
        return this.setResource(`window.${e.window}`, e.open ? 'up' : 'down', 'admin', true);
      case 'reboot':
        return this.reboot(e.identity);
    }
  }

  /** The engine decided to reboot the node; if that cannot be done, it falls back to stop + start. */
  private reboot(identity: string): void {
    // On disk before the machine goes down: the step's facts hold maxloop's count of this reboot.
    this.persist();
    void this.deps.reboot.reboot({ module: this.module, identity }).then((r) => {
      if (!r.ok) this.submit({ kind: 'rebootFailed', reason: r.reason });
    });
  }

  private publishState(state: MirrorEngine['state'], readiness: MirrorEngine['readiness']): void {
    this.deps.bus.publish(subjects.state(this.module), codecs.stateChange, {
      module: this.module,
      state,
      readiness,
      since: new Date(this.deps.now()).toISOString(),
    });
  }

  private runScript(name: string, args: readonly string[], token: number): void {
    const { loaded, dirs, paths, runner, env, node } = this.deps;
    const user = loaded.config.user;
    const force = args[0] === 'force';
    const timeoutMs = ((force ? user?.forcestoptimeout : user?.nicestoptimeout) ?? 300) * 1000;
    const userlog =
      user?.logging === 'none' ? undefined : userlogFile(paths, name, new Date(this.deps.now()));
    const scriptEnvironment = scriptEnv({ dirs, paths, node }, user, env);
    this.openFence()
      .then((fence) =>
        runner.run(
          { module: this.module, name, args, env: scriptEnvironment, timeoutMs, userlog, fence: fence.pid },
          paths.bin,
        ),
      )
      .then((r) => {
        if (r.timedOut) this.write('E', `Script ${name} timed out after ${timeoutMs / 1000}s and was killed`);
        this.submit({ kind: 'scriptDone', name, code: r.code, token });
      })
      .catch((err: Error) => {
        this.write('E', `Script ${name} could not run: ${err.message}`);
        this.submit({ kind: 'scriptDone', name, code: 127, token });
      });
  }
}

function settingsFor(deps: RuntimeDeps): MirrorSettings {
  const m = deps.loaded.config;
  const nodes = moduleNodes(m, deps.cluster);
  const timeouts = (m.heart?.heartbeats ?? []).map((h) => h.timeout);
  return {
    architecture: m.mode,
    node: deps.node,
    peer: nodes.find((n) => n !== deps.node) ?? '',
    failover: m.service.failover,
    defaultprim: m.service.defaultprim,
    maxloop: m.service.maxloop,
    loopIntervalMs: m.service.loopInterval * 3600_000,
    automaticReboot: m.service.automaticReboot,
    replication: m.rfs !== undefined,
    scripts: m.user !== undefined,
    peerSilenceMs: timeouts.length > 0 ? Math.max(...timeouts) : 0,
    gateAtStart: true,
  };
}
