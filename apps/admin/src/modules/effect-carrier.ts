// Carries out what the module automaton decided, strictly in the order it gave the effects, across
// steps: a replication or virtual IP request holds every effect after it until its service has
// answered, so a primary's start_prim never runs before its replicated directories are mounted
// and its VIPs are placed, and a stop goes on only once the daemon and the addresses are gone. Only command replies pass ahead (they tell a caller its command was
// accepted, nothing in the world depends on them).
import type { VipOp } from '@keel/bus';
import { scriptEnv, userlogFile, type LoadedModule, type ModulePaths, type NodePaths } from '@keel/config';
import type { Effect, MirrorInput, ModuleState, Readiness } from '@keel/engine';
import type { Clock } from '../ports/clock.port';
import type { FencePort } from '../ports/fence.port';
import type { LogLevel } from '../ports/module-log.port';
import type { NodeReboot } from '../ports/node-reboot.port';
import type { ScriptRunner } from '../ports/script-runner.port';
import { ModuleFence } from './module-fence';
import type { ReplicationControl } from './replication';
import type { VirtualIps } from './virtual-ips';

export interface CommandOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** What the carrier acts through: the world (ports) and the module runtime it works for. */
export interface EffectHost {
  readonly module: string;
  readonly dirs: NodePaths;
  readonly paths: ModulePaths;
  readonly node: string;
  readonly loaded: LoadedModule;
  readonly runner: ScriptRunner;
  readonly fences: FencePort;
  readonly reboot: NodeReboot;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly replication: ReplicationControl;
  readonly vips: VirtualIps;
  write(level: LogLevel, text: string): void;
  setResource(name: string, value: string, by: string, quiet?: boolean): void;
  publishState(state: ModuleState, readiness: Readiness): void;
  /** The module reached STOP: its checker resources go back to `init`. */
  stopped(): void;
  /** A checker and errd window closes: the resources of what ran in it go back to `init`. */
  windowClosed(window: string): void;
  /** Gives the automaton an input (a script's end, a failed reboot). */
  submit(input: MirrorInput): void;
  /** A replication could not start: the module is to stop at once. */
  replicationFailed(): void;
  /** The application's fence ended unasked: every process of the module was killed. */
  fenceLost(): void;
  /** Writes the module state to disk now. */
  persist(): void;
  /** The lease arbiter's effects (docs/decisions/0019), carried in their order like the others. */
  lease(effect: Extract<Effect, { kind: 'lease' }>): void;
}

export class EffectCarrier {
  /** Effects not carried out yet, in order; held while a replication request waits. */
  private readonly effects: Effect[] = [];
  private holding = false;
  private carrying = false;
  private readonly replies = new Map<string, (o: CommandOutcome) => void>();
  private readonly fence: ModuleFence;

  constructor(private readonly host: EffectHost) {
    this.fence = new ModuleFence({
      module: host.module,
      dirs: host.loaded.config.rfs?.replicated.map((r) => r.dir) ?? [],
      vips: host.vips.addresses,
      fences: host.fences,
      clock: host.clock,
      write: (level, text) => host.write(level, text),
      lost: () => host.fenceLost(),
    });
  }

  /** Where the reply to command `id` goes. */
  awaitReply(id: string, resolve: (o: CommandOutcome) => void): void {
    this.replies.set(id, resolve);
  }

  /** Queues one step's effects and carries out what may go now. */
  push(effects: readonly Effect[]): void {
    this.effects.push(...effects);
    this.carryQueued();
  }

  close(): void {
    this.fence.dispose();
  }

  /**
   * Ends the application's fence at once, out of the effects' order: the lease arbiter's lease is
   * lost, and nothing of the application may outlive the fence time (docs/decisions/0019).
   */
  fenceNow(): void {
    this.fence.close();
  }

  /** Carries out the queued effects in order, up to the first replication or VIP request. */
  private carryQueued(): void {
    if (this.carrying) return;
    this.carrying = true;
    try {
      // Replies are answers to callers, not actions: they never wait behind a replication.
      for (const reply of this.effects.filter((e) => e.kind === 'reply')) this.carry(reply);
      this.effects.splice(0, this.effects.length, ...this.effects.filter((e) => e.kind !== 'reply'));
      while (!this.holding && this.effects.length > 0) {
        const e = this.effects.shift() as Effect;
        if (e.kind === 'replication') {
          // A new primary's VIP goes up while its directories mount: the start scripts wait for
          // both, and clients reaching the address before the application get a reset, as they
          // would while it starts. A failover is shorter by the time of the mount.
          const next = this.effects[0];
          const vip = next?.kind === 'vip' && next.op === 'set' ? (this.effects.shift(), true) : false;
          this.replicate(e, vip);
        } else if (e.kind === 'vip') this.hold(this.placeVips(e.op));
        else this.carry(e);
      }
    } finally {
      this.carrying = false;
    }
  }

  /**
   * Holds the effects behind a replication request (and a VIP set beside it) until both are
   * answered. A replication that failed abandons the transition before the hold ends, so nothing
   * queued behind it (start_prim above all) can run in between; the VIP placed beside it goes with
   * the forcestop that follows (leaving the primary role withdraws it).
   */
  private replicate(e: Extract<Effect, { kind: 'replication' }>, vip: boolean): void {
    const replicated = this.host.replication.request(e.role, e.full, e.since, e.newCopy === true);
    const placed = vip ? this.placeVips('set') : Promise.resolve();
    this.hold(
      Promise.allSettled([replicated, placed]).then(([r]) => {
        const ok = r.status === 'fulfilled' && r.value.ok;
        // A daemon that would not stop is left to the next start (it clears a dead mount); the
        // stop itself goes on.
        if (!ok && e.role !== 'stopped') this.abandonTransition();
      }),
    );
  }

  /**
   * Holds every effect after the current one until `work` has ended, however it ends, then
   * carries on with them.
   */
  private hold(work: Promise<unknown>): void {
    this.holding = true;
    void work
      .catch((err: Error) => err)
      .then((err) => {
        this.holding = false;
        if (err instanceof Error) this.host.write('E', `Effect failed: ${err.message}`);
        this.carryQueued();
      })
      .catch((err: Error) => this.host.write('E', `Effects could not go on: ${err.message}`));
  }

  /**
   * Asks the vip service to place or withdraw the module's VIPs; never rejects. The fence opens
   * first: it withdraws the module's addresses if admin dies (docs/decisions/0016), so no VIP is
   * ever placed without one.
   */
  private placeVips(op: VipOp): Promise<void> {
    if (op !== 'set') return this.host.vips.request(op);
    return this.fence.open().then(
      () => this.host.vips.request(op),
      (err: Error) => this.host.vips.refuse(`the application's fence could not be made: ${err.message}`),
    );
  }

  /**
   * A replication that could not start: the rest of the transition (the application's start
   * scripts above all) must not run on directories that are not replicated. What was queued
   * behind it is dropped and the module is stopped at once (forcestop by rfs, which also ends
   * the transition in the automaton); the administrator starts it again once the cause is fixed.
   */
  private abandonTransition(): void {
    this.effects.splice(0);
    this.host.write('E', 'Replication could not start: the module stops without running its start scripts');
    this.host.replicationFailed();
  }

  private carry(e: Effect): void {
    const { host } = this;
    switch (e.kind) {
      case 'state':
        host.setResource('state.local', `${e.state} ${e.readiness}`, 'admin', true);
        if (e.state === 'STOP') {
          host.stopped();
          this.fence.close();
        }
        return host.publishState(e.state, e.readiness);
      case 'log':
        return host.write(e.level, e.text);
      case 'reply': {
        const resolve = this.replies.get(e.id);
        this.replies.delete(e.id);
        resolve?.({ ok: e.ok, message: e.message });
        return;
      }
      case 'script':
        return this.runScript(e.name, e.args, e.token);
      case 'vip':
      case 'replication':
        // Carried by placeVips() and replicate(); never reach here.
        return;
      case 'window':
        // A detection of the run that ends must not carry into the next one: a rule still true
        // from it would stay answered (latched) and never fire again.
        if (!e.open) host.windowClosed(e.window);
        return host.setResource(`window.${e.window}`, e.open ? 'up' : 'down', 'admin', true);
      case 'reboot':
        return this.reboot(e.identity);
      case 'lease':
        return host.lease(e);
    }
  }

  /** The engine decided to reboot the node; if that cannot be done, it falls back to stop + start. */
  private reboot(identity: string): void {
    const { host } = this;
    // On disk before the machine goes down: the step's facts hold maxloop's count of this reboot.
    host.persist();
    void host.reboot.reboot({ module: host.module, identity }).then((r) => {
      if (!r.ok) host.submit({ kind: 'rebootFailed', reason: r.reason });
    });
  }

  private runScript(name: string, args: readonly string[], token: number): void {
    const { host } = this;
    const { loaded, dirs, paths, runner, env, node } = host;
    const user = loaded.config.user;
    const force = args[0] === 'force';
    const timeoutMs = ((force ? user?.forcestoptimeout : user?.nicestoptimeout) ?? 300) * 1000;
    const userlog =
      user?.logging === 'none' ? undefined : userlogFile(paths, name, new Date(host.clock.now()));
    const scriptEnvironment = scriptEnv({ dirs, paths, node }, user, env);
    this.fence
      .open()
      .then((fence) =>
        runner.run(
          { module: host.module, name, args, env: scriptEnvironment, timeoutMs, userlog, fence: fence.pid },
          paths.bin,
        ),
      )
      .then((r) => {
        if (r.timedOut) host.write('E', `Script ${name} timed out after ${timeoutMs / 1000}s and was killed`);
        host.submit({ kind: 'scriptDone', name, code: r.code, token });
      })
      .catch((err: Error) => {
        host.write('E', `Script ${name} could not run: ${err.message}`);
        host.submit({ kind: 'scriptDone', name, code: 127, token });
      });
  }
}
