import { ClusterConfig, LoadedModule, moduleEncryption, moduleNodes } from '@keel/config';
import { dirname } from 'node:path';
import {
  advertisedFacts,
  initialMirror,
  loopStatus,
  MirrorCommand,
  MirrorEngine,
  MirrorInput,
  MirrorSettings,
  PeerFacts,
  RemoteState,
} from '@keel/engine';
import {
  BusPort,
  codecs,
  FarmViewMessage,
  HandlerError,
  LoopReport,
  RfsEvent,
  RfsQueryResult,
  subjects,
} from '@keel/bus';
import { FarmLoad, TRAFFIC_RESOURCE } from './farm-load';
import type { ModulePaths, NodePaths } from '@keel/config';
import { ScriptRunner } from '../ports/script-runner.port';
import type { Clock, Timer } from '../ports/clock.port';
import { FencePort } from '../ports/fence.port';
import { NodeReboot } from '../ports/node-reboot.port';
import type { LogLevel, LogPageRequest, ModuleLogPort } from '../ports/module-log.port';
import type { ModuleStateStore, StoredModule } from '../ports/state-store.port';
import { EffectCarrier, type CommandOutcome } from './effect-carrier';
import { EngineStepper } from './engine-stepper';
import { ResourceTable } from './resources';
import { CHECKER_CLASSES, DetectionSwitch, ERRD_CLASSES, type SwitchedSet } from './detection-switch';
import { SPLITBRAIN_VERDICT, SplitbrainVerdict } from './splitbrain-verdict';
import { RulesDriver } from './rules-driver';
import { launchDecision } from './launch';
import { ReplicationControl, RFS_COMMAND_TIMEOUT_MS } from './replication';
import type { SyncPolicy } from './replication';
import {
  externalSync,
  policyResources,
  RFSSYNC_RESOURCE,
  type ExternalPolicy,
  type RfssyncMode,
} from './rfssync';
import { VIP_COMMAND_TIMEOUT_MS, VirtualIps } from './virtual-ips';
import { leaseTakeoverBoundMs, leaseTimingFor } from '@keel/arbiter';
import { etcdArbiter, type ArbiterDeps } from '../adapters/etcd-arbiter';
import { ArbiterControl } from './arbiter';

export type { CommandOutcome } from './effect-carrier';

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
  readonly store: ModuleStateStore;
  readonly bus: BusPort;
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** When this machine booted (ms since the epoch). */
  readonly bootedAt: number;
  /** How long a replication request may wait for the rfs service (default RFS_COMMAND_TIMEOUT_MS). */
  readonly rfsTimeoutMs?: number;
  /** The lease arbiter's store and monotonic clock (default: etcd at the cluster's endpoints). */
  readonly arbiter?: ArbiterDeps;
}

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
 * One module on this node: its automaton (EngineStepper) fed with commands, the peer, time and the
 * failover rules; what must survive persisted; its effects carried out in order (EffectCarrier);
 * its resources, state and log published on the bus.
 */
export class ModuleRuntime {
  private readonly stepper: EngineStepper;
  private readonly carrier: EffectCarrier;
  private ids = 0;
  readonly resources = new ResourceTable();
  private settingsStored: StoredModule['settings'];
  private readonly rules: RulesDriver;
  private launchTimer: Timer | undefined;
  private remoteResources: Readonly<Record<string, string>> | undefined;
  private readonly replication: ReplicationControl;
  private readonly vips: VirtualIps;
  /** The lease arbiter, when the module has `<check><arbiter>` (docs/decisions/0019). */
  private readonly arbiter: ArbiterControl | undefined;
  private readonly farmLoad: FarmLoad;
  /** The state last published (a farm's traffic is decided when a run starts). */
  private published = 'STOP';
  /** The node's keel is going down: the module stops but counts as running (launch.ts). */
  private shuttingDown = false;
  /** The splitbrain checker's verdict, asked once per isolation (splitbrain-verdict.ts). */
  private readonly verdict: SplitbrainVerdict;
  /** `checker on|off` and `errd on|off`, kept and enforced here (detection-switch.ts). */
  private readonly switches = {
    checker: new DetectionSwitch(CHECKER_CLASSES, true),
    errd: new DetectionSwitch(ERRD_CLASSES, true),
  };

  constructor(private readonly deps: RuntimeDeps) {
    this.rules = new RulesDriver(deps.loaded.config);
    this.verdict = new SplitbrainVerdict(
      {
        setResource: (name, value, by, quiet) => this.setResource(name, value, by, quiet),
        resource: (name) => this.resources.get(name)?.value,
        submit: (input) => this.submit(input),
        checkerOn: () => this.switches.checker.isOn,
      },
      deps.loaded.config.check.splitbrain !== undefined,
    );
    this.replication = new ReplicationControl({
      module: deps.paths.module,
      bus: deps.bus,
      now: () => deps.clock.now(),
      dirs: deps.loaded.config.rfs?.replicated.map((r) => r.dir) ?? [],
      timeoutMs: deps.rfsTimeoutMs ?? RFS_COMMAND_TIMEOUT_MS,
      lockTimeoutMs: (deps.loaded.config.rfs?.locktimeout ?? 100) * 1000,
      engine: () => this.engine,
      write: (level, text) => this.write(level, text),
      submit: (input) => this.submit(input),
      restart: () => void this.command('stopstart', [], 'rfs', 'rfs'),
      stop: () => void this.command('stop', [], 'rfs', 'rfs'),
      setQuietly: (name, value) => this.setResource(name, value, 'rfs', true),
      setResource: (name, value) => this.setResource(name, value, 'rfs'),
      resource: (name) => this.resources.get(name)?.value,
      syncPolicy: () => this.syncPolicy(),
      // After a successful synchronisation the policy goes back to default (guide §5.7.5).
      policyApplied: (role) => {
        const { rfssyncmode, rfssyncExternal } = this.settingsStored;
        // A primary's `full` waits for its next start as secondary; its external side is done.
        if (role === 'primary' && !(rfssyncmode === 'external' && rfssyncExternal?.role === 'prim')) return;
        if ((rfssyncmode ?? 'default') === 'default') return;
        this.saveSettings({ rfssyncmode: 'default', rfssyncExternal: undefined });
        this.publishPolicy('rfs');
      },
    });
    this.vips = new VirtualIps({
      module: deps.paths.module,
      bus: deps.bus,
      config: deps.loaded.config,
      timeoutMs: VIP_COMMAND_TIMEOUT_MS,
      write: (level, text) => this.write(level, text),
      setResource: (name, value, by) => this.setResource(name, value, by),
    });
    this.farmLoad = new FarmLoad({
      node: deps.node,
      write: (level, text) => this.write(level, text),
      setResource: (name, value, by) => this.setResource(name, value, by),
    });
    this.carrier = new EffectCarrier({
      ...deps,
      module: deps.paths.module,
      replication: this.replication,
      vips: this.vips,
      write: (level, text) => this.write(level, text),
      setResource: (name, value, by, quiet) => this.setResource(name, value, by, quiet),
      publishState: (state, readiness) => this.publishState(state, readiness),
      stopped: () => {
        this.resetCheckerResources();
        this.replication.stopped();
      },
      windowClosed: (window) => this.resetCheckerResources(window),
      submit: (input) => this.submit(input),
      // forcestop by rfs, which also ends the transition in the automaton.
      replicationFailed: () => void this.command('forcestop', [], 'rfs', 'rfs'),
      fenceLost: () => {
        if (this.engine.state !== 'STOP') void this.command('stopstart', [], 'fence', 'admin');
      },
      persist: () => this.persist(),
      lease: (e) => this.arbiter?.carry(e),
    });
    this.arbiter = this.leaseArbiter();
    const stored = deps.store.load();
    this.settingsStored = stored.settings;
    this.stepper = new EngineStepper(
      initialMirror(settingsFor(deps), deps.clock.now(), stored.facts),
      () => deps.clock.now(),
      (before, after, effects) => {
        this.carrier.push(effects);
        if (after.facts !== before.facts || after.state !== before.state) this.persist();
        this.publishFacts();
      },
    );
    this.resetCheckerResources();
    for (const kind of ['checker', 'errd'] as const) {
      const on = stored.settings[kind] !== false;
      if (!on) this.switchDetections(kind, false);
      this.setResource(`usersetting.${kind}`, on ? 'on' : 'off', 'admin', true);
    }
    // The module's encryption (keel module genkey|delkey: conf/encryption; docs/decisions/0009
    // "TLS on the link"), as the rfs service read it at its start.
    this.setResource(
      'usersetting.encryption',
      moduleEncryption(dirname(deps.paths.conf)) ? 'on' : 'off',
      'admin',
      true,
    );
    for (const [cls, state] of Object.entries(stored.settings.errdClasses ?? {}))
      this.setResource(`errdclass.${cls}`, state, 'admin', true);
    if (deps.loaded.config.rfs) {
      this.publishPolicy('admin', true);
    }
    this.publishFacts();
    // Before any start of this run can ask for them (the vip service serves a module's requests in order).
    void this.vips.reconcile();
    const launch = launchDecision({
      boot: deps.loaded.config.service.boot,
      bootDelaySec: deps.loaded.config.service.bootDelay,
      stored,
      sameBoot: stored.savedAt !== undefined && stored.savedAt >= deps.bootedAt,
    });
    if (launch.start) {
      this.write('I', `Starting the module: ${launch.reason}`);
      this.launchTimer = deps.clock.setTimer(
        launch.delayMs,
        () => void this.command('start', [], undefined, 'boot', true),
      );
    }
  }

  get module(): string {
    return this.deps.paths.module;
  }

  /**
   * `rfssync full|default|external` (guide §5.7.5): kept across restarts until a synchronisation
   * applies it. An external primary's point is now: the backup must start after it.
   */
  rfssync(mode: RfssyncMode, by: string, external?: Omit<ExternalPolicy, 'point'>): void {
    const policy =
      mode === 'external' && external
        ? { ...external, ...(external.role === 'prim' ? { point: Math.floor(this.now() / 1000) } : {}) }
        : undefined;
    this.saveSettings({ rfssyncmode: mode, rfssyncExternal: policy });
    this.publishPolicy('admin');
    const how = policy ? ` ${policy.detect ? 'external' : '-d'} ${policy.role} ${policy.uid}` : ` ${mode}`;
    this.write('I', `Action rfssync${how} called by ${by}`);
  }

  /** What this node's next synchronisation as secondary follows (replication.ts). */
  private syncPolicy(): SyncPolicy {
    const { rfssyncmode, rfssyncExternal } = this.settingsStored;
    if (rfssyncmode === 'full') return { kind: 'full' };
    if (rfssyncmode !== 'external' || !rfssyncExternal) return { kind: 'default' };
    // The backup's source became a secondary (a failover since): its side of the policy is over.
    if (rfssyncExternal.role === 'prim')
      return {
        kind: 'dropped',
        text: `rfssync external prim ${rfssyncExternal.uid}: this node synchronises as secondary now: the policy ends with this synchronisation`,
      };
    const r = externalSync(rfssyncExternal, this.remoteResources, Math.floor(this.now() / 1000));
    return r.ok ? { kind: 'since', since: r.since, text: r.text } : { kind: 'refused', message: r.message };
  }

  /** The policy's resources; `rfs.rfssync` is down while an external secondary has no matching primary. */
  private publishPolicy(by: string, quiet = false): void {
    const { rfssyncmode, rfssyncExternal } = this.settingsStored;
    for (const [name, value] of Object.entries(policyResources(rfssyncmode ?? 'default', rfssyncExternal)))
      this.setResource(name, value, by, quiet);
    const applicable =
      rfssyncmode !== 'external' || rfssyncExternal?.role !== 'second' || this.syncPolicy().kind === 'since';
    this.setResource(RFSSYNC_RESOURCE, applicable ? 'up' : 'down', by, quiet);
  }

  /** `rfsdiff` / `rfsverify` of this node's replication daemon (the caller checked the state). */
  rfsQuery(query: 'diff' | 'verify', by: string): Promise<RfsQueryResult> {
    this.write('I', `Action ${query === 'diff' ? 'rfsdiff' : 'rfsverify'} called by ${by}`);
    return this.replication.query(query);
  }

  /** The replicated directories, in the order of the configuration's `<rfs>`. */
  get replicatedDirs(): string[] {
    return this.deps.loaded.config.rfs?.replicated.map((r) => r.dir) ?? [];
  }

  /** Wall-clock milliseconds since the epoch, from the runtime's clock. */
  now(): number {
    return this.deps.clock.now();
  }

  private get engine(): MirrorEngine {
    return this.stepper.current;
  }

  get state(): { state: string; readiness: string; remote: RemoteState } {
    return { state: this.engine.state, readiness: this.engine.readiness, remote: this.engine.remote };
  }

  get config(): LoadedModule['config'] {
    return this.deps.loaded.config;
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
      this.carrier.awaitReply(id, resolve);
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
    // A deadline that passed while admin was stopped is lost before the peer is looked at.
    this.arbiter?.poll();
    // A new isolation asks the splitbrain checker anew; a reunion answers up.
    this.verdict.peer(remote !== 'UNKNOWN');
    this.remoteResources = remote === 'UNKNOWN' ? undefined : resources;
    // Whether an external secondary's primary is there under the same uid.
    if (this.settingsStored.rfssyncmode === 'external' && this.deps.loaded.config.rfs)
      this.publishPolicy('admin', true);
    const facts = Object.fromEntries(
      Object.entries(FACT_RESOURCES).map(([key, res]) => [
        key,
        key === 'generation' ? Number(resources[res] ?? 0) : resources[res] === 'up',
      ]),
    ) as Partial<PeerFacts>;
    this.submit({ kind: 'peer', remote, facts });
  }

  /**
   * A component (or admin) sets a resource. While `checker off` or `errd off`, a report of theirs
   * is kept aside until the switch is on again.
   */
  setResource(name: string, value: string, by: string, quiet = false): void {
    const set = { name, value, by };
    if (this.switches.checker.absorb(set) || this.switches.errd.absorb(set)) return;
    this.applyResource(set, quiet);
  }

  /** `checker on|off`, `errd on|off`: detections of that kind act no more, or again. */
  switchDetections(kind: 'checker' | 'errd', on: boolean): void {
    const current = this.resources.entries().map(([name, r]) => ({ name, value: r.value, by: r.by }));
    const sets = on ? this.switches[kind].turnOn() : this.switches[kind].turnOff(current);
    // A verdict from before the switch answered another isolation: it is asked again.
    for (const s of sets) if (s.name !== SPLITBRAIN_VERDICT) this.applyResource(s, !on);
    if (kind === 'checker' && on) this.verdict.reset();
    else if (kind === 'checker') this.submit(this.verdict.told('off'));
  }

  /** A resource a component of this node reports (resource.set); the splitbrain verdict is an answer. */
  componentResource(name: string, value: string, by: string, isolation: number | undefined): void {
    if (name === SPLITBRAIN_VERDICT) this.verdict.answer(value, by, isolation);
    else this.setResource(name, value, by);
  }

  /** `incloop -i <by>` / `resetloop`: maxloop's counter counted or reset at once; what it is after. */
  loop(op: 'increment' | 'reset', by: string): LoopReport {
    // A command from the bus is never handled inside a step: the input is stepped before submit returns.
    this.submit({ kind: 'loop', op, by });
    return this.loopReport();
  }

  /** `checkloop`: maxloop's counter, and whether the next automatic action would stop the module. */
  loopReport(): LoopReport {
    const { settings, facts } = this.engine;
    const s = loopStatus(facts.loop, this.deps.clock.now(), settings);
    return {
      module: this.module,
      count: s.count,
      maxloop: s.maxloop,
      loopIntervalHours: s.loopIntervalMs / 3600_000,
      since: new Date(s.since).toISOString(),
      reached: s.reached,
    };
  }

  /** Whether `errd on` and `checker on` hold (errd's and the module checker's commands are refused while off). */
  get detectionsOn(): { errd: boolean; checker: boolean } {
    return { errd: this.switches.errd.isOn, checker: this.switches.checker.isOn };
  }

  private applyResource({ name, value, by }: SwitchedSet, quiet = false): void {
    const change = this.resources.set(name, value, by, this.deps.clock.now());
    if (!change) return;
    if (name === SPLITBRAIN_VERDICT) this.submit(this.verdict.told(value));
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
   * Every configured checker's and errd's resource starts as `init` (reference §5.11): a wait rule
   * on it holds the start in WAIT (Transient) until the checker has spoken. Back to `init` at STOP,
   * and when the window it runs in closes (only its resources then).
   */
  private resetCheckerResources(window?: string): void {
    const m = this.deps.loaded.config;
    const c = m.check;
    const watched: { name: string; when: string }[] = [
      ...[...c.tcp, ...c.ping, ...c.intf, ...c.ip, ...c.custom].map((x) => ({
        name: `${x.kind}.${x.ident}`,
        when: x.when,
      })),
      ...c.module.map((x) => ({ name: `module.${x.ident}`, when: 'pre' })),
      ...(c.splitbrain ? [{ name: `splitbrain.${c.splitbrain.ident}`, when: 'pre' }] : []),
      ...(c.arbiter ? [{ name: `arbiter.${c.arbiter.ident}`, when: 'pre' }] : []),
      ...(m.errd?.procs ?? []).map((p) => ({ name: `proc.${p.name}`, when: p.class })),
    ];
    for (const w of watched)
      if (window === undefined || w.when === window) this.setResource(w.name, 'init', 'admin', true);
    if (window === undefined || window === 'pre') this.verdict.reset();
  }

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
    for (const until = this.deps.clock.now() + bound; this.engine.state !== 'STOP' || this.engine.job;) {
      if (this.deps.clock.now() > until) {
        this.write('E', "Shutdown: the module did not reach STOP within its stop scripts' time bounds");
        return;
      }
      await new Promise<void>((r) => this.deps.clock.setTimer(100, r));
    }
  }

  /**
   * Cancels a pending boot start (admin is shutting down; the fences die with admin, and their end
   * is then no loss to act on).
   */
  close(): void {
    this.carrier.close();
    this.launchTimer?.cancel();
    this.arbiter?.close();
  }

  logPage(request: LogPageRequest) {
    return this.deps.log.page(request);
  }

  submit(input: MirrorInput): void {
    this.stepper.submit(input);
  }

  /** What this module's replication daemon reported (keel.v1.<module>.rfs.event). */
  replicationEvent(e: RfsEvent): void {
    this.replication.onEvent(e);
  }

  /** The node's rfs service announced itself ready: it may have restarted without its daemons. */
  replicationServiceReady(): void {
    // The write deadline first: the primary daemon asked for again starts closed without it.
    this.arbiter?.onRfsReady();
    this.replication.onServiceReady();
  }

  /** The farm view heartbeat follows (a farm module): membership and load lines, the share resources. */
  farmView(view: FarmViewMessage): void {
    this.farmLoad.view(view);
  }

  /** `keel farm bitmap|open|close`: every node's buckets, or this node's traffic opened or closed. */
  farmCommand(what: string, caller: string): string {
    if (this.deps.loaded.config.mode !== 'farm')
      throw new HandlerError(
        'REFUSED',
        `farm ${what} applies to farm modules only; ${this.module} is a ${this.deps.loaded.config.mode} module`,
      );
    if (what === 'bitmap') return this.farmLoad.bitmaps().join('\n');
    if (what !== 'open' && what !== 'close')
      throw new HandlerError('BAD_ARGS', 'farm takes bitmap, open or close');
    const value = what === 'open' ? 'open' : 'closed';
    this.setResource(TRAFFIC_RESOURCE, value, caller);
    return `farm traffic ${value}`;
  }

  /** The node's vip service announced itself ready: it is told again what the engine wants. */
  vipServiceReady(): void {
    this.vips.onServiceReady();
  }

  /** Lets time act: peer-silence and maxloop windows, and the failover rules when an evaluation is due. */
  tick(): void {
    this.arbiter?.poll();
    this.submit({ kind: 'tick' });
    this.replication.tick();
    const outcome = this.rules.step({
      now: this.deps.clock.now(),
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
    this.record(level, text);
    this.deps.bus.publish(subjects.log(this.module), codecs.logLine, {
      module: this.module,
      level,
      message: text.slice(0, 8192),
    });
  }

  /** Into the module log only (a line another service already published). */
  record(level: LogLevel, text: string): void {
    this.deps.log.write({ at: new Date(this.deps.clock.now()), level, text });
  }

  /** The lease arbiter of a module with `<check><arbiter>` (docs/decisions/0019). */
  private leaseArbiter(): ArbiterControl | undefined {
    const { deps } = this;
    const use = deps.loaded.config.check.arbiter;
    const endpoints = deps.cluster.arbiter?.endpoints;
    // A module with <arbiter> in a cluster without one is refused before it gets here (confcheck).
    if (!use || !endpoints) return undefined;
    const { store, clock } = deps.arbiter ?? etcdArbiter(endpoints);
    return new ArbiterControl({
      module: this.module,
      node: deps.node,
      ident: use.ident,
      ttlMs: use.ttl,
      fenceMs: use.fence,
      store,
      storeName: endpoints.join(' '),
      clock,
      write: (level, text) => this.write(level, text),
      setResource: (name, value, by) => this.setResource(name, value, by),
      submit: (input) => this.submit(input),
      window: (deadline) => (deps.loaded.config.rfs ? this.replication.window(deadline) : Promise.resolve()),
      fence: () => this.carrier.fenceNow(),
    });
  }

  private persist(): void {
    this.deps.store.save({
      facts: this.engine.facts,
      running: this.shuttingDown || this.engine.state !== 'STOP',
      settings: this.settingsStored,
      savedAt: this.deps.clock.now(),
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

  private publishState(state: MirrorEngine['state'], readiness: MirrorEngine['readiness']): void {
    // A farm's run starts with its traffic open, or closed for its scripts to open (scriptcontrol),
    // before heartbeat hears the state that makes it a member.
    const config = this.deps.loaded.config;
    if (config.mode === 'farm' && state === 'WAIT' && this.published === 'STOP')
      this.setResource(TRAFFIC_RESOURCE, config.vip?.scriptcontrol ? 'closed' : 'open', 'admin', true);
    this.published = state;
    this.deps.bus.publish(subjects.state(this.module), codecs.stateChange, {
      module: this.module,
      state,
      readiness,
      since: new Date(this.deps.clock.now()).toISOString(),
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
    isolationArbiter: m.check.splitbrain !== undefined,
    // Without the cluster's <arbiter> the module is refused at start: no lease to wait for.
    ...(m.check.arbiter && deps.cluster.arbiter
      ? {
          leaseArbiter: {
            takeoverWithinMs: leaseTakeoverBoundMs(
              leaseTimingFor(m.check.arbiter.ttl, m.check.arbiter.fence),
            ),
          },
        }
      : {}),
  };
}
