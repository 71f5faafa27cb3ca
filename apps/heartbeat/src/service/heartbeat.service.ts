// The heartbeat service: orchestration only. Decisions are made by the pure core (wire codec,
// replay guard, liveness reducer, resource selection); every side effect goes through a port
// (UDP transport, clock, bus, incarnation source, logger, metrics).
//
// For every mirror module of this node and every heartbeat LAN of the module:
//  - sends a packet every `pulse` to the peer, carrying the module state and resources this
//    node last learned from the bus (keel.v1.<module>.state, keel.v1.<module>.resource.changed),
//    and at once (one packet per burst of bus messages) whenever they change; nothing is sent
//    before the state is known;
//  - echoes in every packet the peer's incarnation it heard last (the highest), and accepts only
//    authentic, fresh packets from the peer that echo this start's incarnation; on every liveness change
//    publishes resource.set heartbeat.<ident> (component "heart", as SafeKit names it) and a heartbeat.view.
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
  subjects,
  type BusPort,
  type HeartbeatView,
  type ModuleState,
  type Readiness,
  type ResourceChanged,
  type ServicePresence,
  type StateChange,
} from '@keel/bus';
import { LOGGER, METRICS_REGISTRY, type Logger } from '@keel/runtime';
import type { Registry } from 'prom-client';
import { isAdvertisable, selectAdvertised } from '../core/advertise';
import { heardOf, noHeard, NOT_HEARD, type HeardIncarnations } from '../core/echo';
import {
  initialLiveness,
  nextDeadline,
  stepLiveness,
  type LivenessChange,
  type RemoteView,
} from '../core/liveness';
import type { HeartbeatLanPlan, HeartbeatPlan, ModulePlan } from '../core/plan';
import { receiveDatagram, type ReceiverState } from '../core/receive';
import { emptyGuard } from '../core/replay-guard';
import { throttle, type ThrottleState } from '../core/throttle';
import { CLOCK, type Clock, type Timer } from '../ports/clock.port';
import { INCARNATION_SOURCE, type IncarnationSource } from '../ports/incarnation.port';
import { HEARTBEAT_KEY, HEARTBEAT_OPTIONS, HEARTBEAT_PLAN } from '../ports/tokens';
import { UDP_TRANSPORT, type UdpEndpoint, type UdpSocket, type UdpTransport } from '../ports/udp.port';
import { encodedSize, encodePacket, type PacketExpectation } from '../wire/codec';
import { Stale, type PacketRejection } from '../wire/errors';
import type { HeartbeatKey } from '../wire/key';
import { MAX_PACKET_BYTES } from '../wire/packet';
import { HeartbeatMetrics } from './heartbeat.metrics';

export const SERVICE_NAME = 'heartbeat';
/**
 * The component named in resource.set and in the module log: SafeKit's, so the lines read as its
 * own ("Resource heartbeat.<id> set to down by heart", reference §3.10).
 */
export const COMPONENT = 'heart';

export interface HeartbeatServiceOptions {
  /**
   * A loss-detection timer firing this much later than due means this process was stalled
   * (frozen, swapped, long GC): the datagrams queued meanwhile are read before judging the
   * peer. Default 100 ms.
   */
  readonly stallToleranceMs?: number;
  /** Delay before trying again to bind a LAN address that could not be bound. Default 5 s. */
  readonly bindRetryMs?: number;
  /** At most one log report per interval for the same repeated problem. Default 60 s. */
  readonly logIntervalMs?: number;
}

interface LanRuntime {
  readonly plan: HeartbeatLanPlan;
  readonly expect: PacketExpectation;
  socket: UdpSocket | undefined;
  pulseTimer: Timer | undefined;
  retryTimer: Timer | undefined;
}

interface ModuleRuntime {
  readonly plan: ModulePlan;
  readonly log: Logger;
  readonly lans: readonly LanRuntime[];
  /** Room for resources in this module's packets (its longest LAN name counted). */
  readonly budget: number;
  receiver: ReceiverState;
  local: { readonly state: ModuleState; readonly readiness: Readiness } | undefined;
  advertised: ReadonlyMap<string, string>;
  readonly resources: Map<string, string>;
  selection: ReadonlyMap<string, string>;
  dropped: string;
  sequence: number;
  deadline: Timer | undefined;
  stallDeferred: boolean;
  /** A send of the new state/resources is scheduled (coalesces a burst of bus messages). */
  urgent: Timer | undefined;
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const STALL_GRACE_MS = 1;

@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private phase: Phase = 'idle';
  private incarnation = 0;
  /**
   * Per peer node, the highest incarnation heard in its authentic packets (any module, any LAN,
   * accepted or not): echoed in every packet to it. In memory, like the guard: after a restart
   * the peer's packets are refused as stale until it has heard ours (about one pulse).
   */
  private heard: HeardIncarnations = noHeard();
  /** When this start began (clock ms): stale packets are expected for a while after it. */
  private startedAt = 0;
  private readonly modules = new Map<string, ModuleRuntime>();
  private throttles: ThrottleState = new Map();
  private readonly metrics: HeartbeatMetrics;
  private readonly stallToleranceMs: number;
  private readonly bindRetryMs: number;
  private readonly logIntervalMs: number;

  constructor(
    @Inject(HEARTBEAT_PLAN) private readonly plan: HeartbeatPlan,
    @Inject(HEARTBEAT_KEY) private readonly key: HeartbeatKey,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(UDP_TRANSPORT) private readonly transport: UdpTransport,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCARNATION_SOURCE) private readonly incarnations: IncarnationSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Optional() @Inject(HEARTBEAT_OPTIONS) options?: HeartbeatServiceOptions,
  ) {
    this.metrics = new HeartbeatMetrics(registry);
    this.stallToleranceMs = options?.stallToleranceMs ?? 100;
    this.bindRetryMs = options?.bindRetryMs ?? 5_000;
    this.logIntervalMs = options?.logIntervalMs ?? 60_000;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** The incarnation this start sends with. */
  get currentIncarnation(): number {
    return this.incarnation;
  }

  /** Names of the modules served, in plan order. */
  get moduleNames(): string[] {
    return [...this.modules.keys()];
  }

  /** What the service currently knows of a module's peer (the heartbeat.view it would publish). */
  view(module: string): HeartbeatView | undefined {
    const m = this.modules.get(module);
    return m && this.viewOf(m);
  }

  async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'starting';
    this.incarnation = await this.incarnations.next();
    const now = this.clock.now();
    this.startedAt = now;
    for (const plan of this.plan.modules) this.modules.set(plan.name, this.createModule(plan, now));

    await Promise.all([...this.modules.values()].flatMap((m) => m.lans.map((l) => this.openLan(m, l))));
    if (this.phase !== 'starting') return; // stopped while starting
    for (const m of this.modules.values()) {
      this.armDeadline(m);
      this.publishView(m);
    }
    this.phase = 'running';
    this.logger.info('heartbeat started', {
      incarnation: this.incarnation,
      modules: this.plan.modules.map((m) => ({
        module: m.name,
        peer: m.peer,
        port: m.port,
        lans: m.heartbeats.map((h) => ({
          lan: h.lan,
          ident: h.ident,
          pulseMs: h.pulseMs,
          timeoutMs: h.timeoutMs,
        })),
      })),
    });
  }

  async stop(): Promise<void> {
    if (this.phase === 'stopped' || this.phase === 'stopping') return;
    this.phase = 'stopping';
    const closing: Array<Promise<void>> = [];
    for (const m of this.modules.values()) {
      m.deadline?.cancel();
      m.urgent?.cancel();
      for (const l of m.lans) {
        l.pulseTimer?.cancel();
        l.retryTimer?.cancel();
        if (l.socket) closing.push(l.socket.close());
        l.socket = undefined;
      }
    }
    await Promise.all(closing);
    this.phase = 'stopped';
    this.logger.info('heartbeat stopped');
  }

  // --- sending ------------------------------------------------------------------------------

  private createModule(plan: ModulePlan, now: number): ModuleRuntime {
    const senders = new Set([plan.peer]);
    const longestLan = plan.heartbeats.reduce((a, h) => (h.lan.length > a.length ? h.lan : a), '');
    const overhead = encodedSize({
      module: plan.name,
      sender: this.plan.node,
      lan: longestLan,
      resources: new Map(),
    });
    this.metrics.declareModule(
      plan.name,
      plan.heartbeats.map((h) => h.lan),
    );
    return {
      plan,
      log: this.logger.child({ module: plan.name }),
      lans: plan.heartbeats.map((h) => ({
        plan: h,
        expect: { module: plan.name, lan: h.lan, senders },
        socket: undefined,
        pulseTimer: undefined,
        retryTimer: undefined,
      })),
      budget: MAX_PACKET_BYTES - overhead,
      receiver: {
        guard: emptyGuard(),
        liveness: initialLiveness(
          plan.heartbeats.map((h) => ({ lan: h.lan, ident: h.ident, timeoutMs: h.timeoutMs })),
          now,
        ),
      },
      local: undefined,
      advertised: new Map(),
      resources: new Map(),
      selection: new Map(),
      dropped: '',
      sequence: 0,
      deadline: undefined,
      stallDeferred: false,
      urgent: undefined,
    };
  }

  private async openLan(m: ModuleRuntime, l: LanRuntime): Promise<void> {
    const { local, lan } = l.plan;
    let socket: UdpSocket;
    try {
      socket = await this.transport.open(
        { address: local.address, port: local.port, lan },
        (bytes, from) => this.onDatagram(m, l, bytes, from),
        (err) => this.onSocketError(m, l, err),
      );
    } catch (err) {
      if (!this.active) return;
      this.report(`bind|${m.plan.name}|${lan}`, (suppressed) =>
        m.log.error('cannot open the heartbeat socket; retrying', {
          lan,
          address: local.address,
          port: local.port,
          retryMs: this.bindRetryMs,
          err,
          suppressed,
        }),
      );
      l.retryTimer = this.clock.setTimer(this.bindRetryMs, () => {
        l.retryTimer = undefined;
        void this.openLan(m, l);
      });
      return;
    }
    if (!this.active) {
      await socket.close();
      return;
    }
    l.socket = socket;
    m.log.info('heartbeat socket open', {
      lan,
      address: local.address,
      port: local.port,
      peer: l.plan.remote,
    });
    this.sendOn(m, l);
    this.schedulePulse(m, l);
  }

  private schedulePulse(m: ModuleRuntime, l: LanRuntime): void {
    l.pulseTimer?.cancel();
    l.pulseTimer = this.clock.setTimer(l.plan.pulseMs, () => {
      l.pulseTimer = undefined;
      if (!this.active) return;
      this.sendOn(m, l);
      this.schedulePulse(m, l);
    });
  }

  /** Sends one packet on one LAN, if the local state is known and the socket is open. */
  private sendOn(m: ModuleRuntime, l: LanRuntime): void {
    if (!m.local || !l.socket) return;
    m.sequence += 1;
    let bytes: Uint8Array;
    try {
      bytes = encodePacket(
        {
          module: m.plan.name,
          sender: this.plan.node,
          lan: l.plan.lan,
          incarnation: this.incarnation,
          sequence: m.sequence,
          echo: heardOf(this.heard, m.plan.peer),
          state: m.local.state,
          readiness: m.local.readiness,
          resources: m.selection,
        },
        this.key,
      );
    } catch (err) {
      this.report(`encode|${m.plan.name}`, (suppressed) =>
        m.log.error('cannot encode a heartbeat packet', { err, suppressed }),
      );
      return;
    }
    l.socket.send(bytes, l.plan.remote);
    this.metrics.sent.inc({ module: m.plan.name, lan: l.plan.lan });
  }

  private onSocketError(m: ModuleRuntime, l: LanRuntime, err: Error): void {
    this.metrics.sendErrors.inc({ module: m.plan.name, lan: l.plan.lan });
    this.report(`socket|${m.plan.name}|${l.plan.lan}`, (suppressed) =>
      m.log.warn('heartbeat socket error', { lan: l.plan.lan, err, suppressed }),
    );
  }

  // --- what the bus tells us (HeartbeatController receives it) -------------------------------

  /** A module's local state (keel.v1.<module>.state, from admin). */
  localState(change: StateChange): void {
    const m = this.modules.get(change.module);
    if (!m || !this.active) return;
    m.local = { state: change.state, readiness: change.readiness };
    if (change.advertised) m.advertised = new Map(Object.entries(change.advertised));
    this.reselect(m);
    this.sendSoon(m);
  }

  /** A module resource changed (keel.v1.<module>.resource.changed). */
  resourceChanged(change: ResourceChanged): void {
    const m = this.modules.get(change.module);
    if (!m || !this.active || !isAdvertisable(change.name)) return;
    if (m.resources.get(change.name) === change.value) return;
    m.resources.set(change.name, change.value);
    const before = m.selection;
    this.reselect(m);
    if (!sameEntries(before, m.selection)) this.sendSoon(m);
  }

  /**
   * A change goes out on every LAN at once rather than at the next pulse; what arrives in the
   * same burst (admin publishes a state, then the facts that go with it) shares one packet.
   */
  private sendSoon(m: ModuleRuntime): void {
    if (m.urgent) return;
    m.urgent = this.clock.setTimer(0, () => {
      m.urgent = undefined;
      if (!this.active) return;
      for (const l of m.lans) {
        if (!l.socket) continue;
        this.sendOn(m, l);
        this.schedulePulse(m, l);
      }
    });
  }

  /** A service of this node (keel.v1.node.services). */
  servicePresence(presence: ServicePresence): void {
    // admin (re)started: it has lost what we told it, so tell it again.
    if (presence.service !== 'admin' || presence.status !== 'ready' || !this.active) return;
    for (const m of this.modules.values()) {
      for (const l of m.receiver.liveness.lans) {
        if (l.status !== 'init') this.publishResource(m, l.ident, l.status);
      }
      this.publishView(m);
    }
  }

  private reselect(m: ModuleRuntime): void {
    const selection = selectAdvertised(m.advertised, m.resources, m.budget);
    m.selection = selection.resources;
    const dropped = selection.dropped.join(',');
    if (dropped !== m.dropped && dropped !== '') {
      m.log.warn('resources left out of the heartbeat packets (no room)', { dropped: selection.dropped });
    }
    m.dropped = dropped;
  }

  // --- receiving ----------------------------------------------------------------------------

  private onDatagram(m: ModuleRuntime, l: LanRuntime, bytes: Uint8Array, from: UdpEndpoint): void {
    if (!this.active) return;
    const result = receiveDatagram(m.receiver, bytes, this.key, l.expect, this.clock.now(), {
      own: this.incarnation,
      heard: this.heard,
    });
    m.receiver = result.state;
    if (result.heard !== this.heard) {
      this.heard = result.heard;
      m.log.info('heard the peer heartbeat start', {
        peer: m.plan.peer,
        incarnation: heardOf(this.heard, m.plan.peer),
      });
    }
    if (!result.outcome.accepted) {
      this.onRejected(m, l, result.outcome.error, from);
      return;
    }
    this.metrics.received.inc({ module: m.plan.name, lan: l.plan.lan });
    this.apply(m, result.outcome.changes);
    this.armDeadline(m);
  }

  private onRejected(m: ModuleRuntime, l: LanRuntime, error: PacketRejection, from: UdpEndpoint): void {
    this.metrics.rejected.inc({ module: m.plan.name, reason: error.reason });
    if (error instanceof Stale && this.ordinaryStale(error, l)) {
      m.log.debug('heartbeat packet made before this start', {
        lan: l.plan.lan,
        from,
        detail: error.message,
      });
      return;
    }
    this.report(`reject|${m.plan.name}|${error.reason}`, (suppressed) => {
      m.log.warn('heartbeat packet rejected', {
        lan: l.plan.lan,
        reason: error.reason,
        from,
        detail: error.message,
        suppressed,
      });
      this.publishLog(
        m,
        `Heartbeat packet from ${from.address} on ${l.plan.lan} rejected: ${error.message}` +
          (suppressed > 0 ? ` (${suppressed} more since the last report)` : ''),
      );
    });
  }

  /**
   * Stale packets every (re)start brings, counted but not worth an E line in the module log: the
   * peer's within a LAN timeout of this start (it has not heard us yet), and those of a peer that
   * has heard nothing from us since its own start (echo 0). Others are replays of packets made
   * before this start, reported as any refusal.
   */
  private ordinaryStale(error: Stale, l: LanRuntime): boolean {
    return error.echo === NOT_HEARD || this.clock.now() - this.startedAt < l.plan.timeoutMs;
  }

  private armDeadline(m: ModuleRuntime): void {
    // After a stall the judging tick is on its way and arms the next deadline itself. Cancelling
    // it here (the queued packets it waits for arrive first) would leave no timer at all: a peer
    // that died after the stall would never be declared lost.
    if (m.stallDeferred) return;
    m.deadline?.cancel();
    m.deadline = undefined;
    const due = nextDeadline(m.receiver.liveness);
    if (due === undefined) return;
    m.deadline = this.clock.setTimer(Math.max(0, due - this.clock.now()), () => this.onDeadline(m, due));
  }

  private onDeadline(m: ModuleRuntime, due: number): void {
    m.deadline = undefined;
    if (!this.active) return;
    const late = this.clock.now() - due;
    if (late > this.stallToleranceMs && !m.stallDeferred) {
      // We were not running: read what the sockets received meanwhile, then judge.
      m.stallDeferred = true;
      m.log.warn('heartbeat timer ran late: this process was stalled', { lateMs: Math.round(late) });
      m.deadline = this.clock.setTimer(STALL_GRACE_MS, () => {
        m.stallDeferred = false;
        m.deadline = undefined;
        if (this.active) this.tick(m);
      });
      return;
    }
    this.tick(m);
  }

  private tick(m: ModuleRuntime): void {
    const step = stepLiveness(m.receiver.liveness, { type: 'tick', now: this.clock.now() });
    m.receiver = { guard: m.receiver.guard, liveness: step.liveness };
    this.apply(m, step.changes);
    this.armDeadline(m);
  }

  private apply(m: ModuleRuntime, changes: readonly LivenessChange[]): void {
    if (changes.length === 0) return;
    for (const c of changes) {
      if (c.type === 'lan') {
        this.metrics.lanUp.set({ module: m.plan.name, lan: c.lan }, c.status === 'up' ? 1 : 0);
        m.log.info(`Resource heartbeat.${c.ident} set to ${c.status} by ${COMPONENT}`, {
          lan: c.lan,
          previous: c.previous,
        });
        this.publishResource(m, c.ident, c.status);
      } else {
        this.metrics.remoteKnown.set({ module: m.plan.name }, c.remote.known ? 1 : 0);
        const line = `Remote state ${describe(c.remote)}`;
        if (
          describe(c.remote) !== describe(c.previous) ||
          incarnationOf(c.remote) !== incarnationOf(c.previous)
        ) {
          m.log.info(line, { peer: m.plan.peer, incarnation: incarnationOf(c.remote) });
        } else {
          m.log.debug('remote resources changed', { peer: m.plan.peer });
        }
      }
    }
    this.publishView(m);
  }

  // --- publishing ---------------------------------------------------------------------------

  private viewOf(m: ModuleRuntime): HeartbeatView {
    const { liveness } = m.receiver;
    const remote = liveness.remote;
    return {
      module: m.plan.name,
      peers: [
        {
          node: m.plan.peer,
          lans: liveness.lans.map((l) => ({
            name: l.lan,
            ident: l.ident,
            status: l.status === 'up' ? 'up' : 'down',
          })),
          state: remote.known ? remote.state : 'UNKNOWN',
          readiness: remote.known ? remote.readiness : 'UNKNOWN',
          resources: remote.known ? Object.fromEntries(remote.resources) : {},
          ...(remote.known ? { incarnation: remote.incarnation } : {}),
        },
      ],
    };
  }

  private publishView(m: ModuleRuntime): void {
    this.safely(m, 'heartbeat.view', () =>
      this.bus.publish(subjects.heartbeatView(m.plan.name), codecs.heartbeatView, this.viewOf(m)),
    );
  }

  private publishResource(m: ModuleRuntime, ident: string, value: 'up' | 'down'): void {
    this.safely(m, 'resource.set', () =>
      this.bus.publish(subjects.resourceSet(m.plan.name), codecs.resourceSet, {
        module: m.plan.name,
        name: `heartbeat.${ident}`,
        value,
        component: COMPONENT,
      }),
    );
  }

  private publishLog(m: ModuleRuntime, message: string): void {
    this.safely(m, 'module.log', () =>
      this.bus.publish(subjects.log(m.plan.name), codecs.logLine, {
        module: m.plan.name,
        level: 'E',
        message,
        component: COMPONENT,
      }),
    );
  }

  /** A bus failure must never stop the heartbeats: it is logged (throttled) and dropped. */
  private safely(m: ModuleRuntime, what: string, publish: () => void): void {
    try {
      publish();
    } catch (err) {
      this.report(`bus|${m.plan.name}|${what}`, (suppressed) =>
        m.log.error(`cannot publish ${what}`, { err, suppressed }),
      );
    }
  }

  private report(key: string, emit: (suppressed: number) => void): void {
    const t = throttle(this.throttles, key, this.clock.now(), this.logIntervalMs);
    this.throttles = t.state;
    if (t.report) emit(t.suppressed);
  }

  private get active(): boolean {
    return this.phase === 'starting' || this.phase === 'running';
  }
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function describe(remote: RemoteView): string {
  return remote.known ? `${remote.state} ${remote.readiness}` : 'UNKNOWN';
}

function incarnationOf(remote: RemoteView): number | undefined {
  return remote.known ? remote.incarnation : undefined;
}
