// The heartbeat service: orchestration only. Decisions are made by the pure core (wire codec,
// replay guard, liveness reducer, resource selection); every side effect goes through a port
// (UDP transport, clock, bus, incarnation source, logger, metrics). Its parts, one file each:
// the packet sender (sockets, pulses, urgent sends), the packet receiver, the loss detector
// (deadlines, stalls, what a liveness change becomes) and the peer reports (bus publications,
// throttled log reports). HeartbeatController brings what the bus says.
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
  type BusPort,
  type HeartbeatView,
  type ResourceChanged,
  type ServicePresence,
  type StateChange,
} from '@keel/bus';
import { CLOCK, LOGGER, METRICS_REGISTRY, type Clock, type Logger } from '@keel/runtime';
import type { Registry } from 'prom-client';
import { isAdvertisable } from '../core/advertise';
import type { HeartbeatPlan } from '../core/plan';
import { INCARNATION_SOURCE, type IncarnationSource } from '../ports/incarnation.port';
import { PROCESS_WATCH, type ProcessWatch } from '../ports/process-watch.port';
import { HEARTBEAT_KEY, HEARTBEAT_OPTIONS, HEARTBEAT_PLAN } from '../ports/tokens';
import { UDP_TRANSPORT, type UdpTransport } from '../ports/udp.port';
import type { HeartbeatKey } from '../wire/key';
import { allocateBuckets } from '@keel/native';
import { EngineWatch } from './engine-watch';
import { FarmMembership } from './farm-membership';
import { HeartbeatMetrics } from './heartbeat.metrics';
import { LossDetector } from './loss-detector';
import { PacketReceiver } from './packet-receiver';
import { PacketSender } from './packet-sender';
import { PeerReports } from './peer-reports';
import { servedModule, Session, type ServedModule } from './served-module';

export const SERVICE_NAME = 'heartbeat';

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
  /** How often admin's process is checked (engine-watch.ts). Default 200 ms. */
  readonly engineCheckMs?: number;
}

@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly session = new Session();
  private readonly modules = new Map<string, ServedModule>();
  private readonly metrics: HeartbeatMetrics;
  private readonly reports: PeerReports;
  private readonly sender: PacketSender;
  private readonly receiver: PacketReceiver;
  private readonly detector: LossDetector;
  private readonly engine: EngineWatch;
  private readonly farms: FarmMembership;
  /**
   * admin died and no new admin has said it is ready: a state still on its way (sent by the dead
   * admin, read late) must not make this node speak for its modules again.
   */
  private engineLost = false;

  constructor(
    @Inject(HEARTBEAT_PLAN) private readonly plan: HeartbeatPlan,
    @Inject(HEARTBEAT_KEY) key: HeartbeatKey,
    @Inject(BUS) bus: BusPort,
    @Inject(UDP_TRANSPORT) transport: UdpTransport,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCARNATION_SOURCE) private readonly incarnations: IncarnationSource,
    @Inject(PROCESS_WATCH) private readonly processes: ProcessWatch,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Optional() @Inject(HEARTBEAT_OPTIONS) options?: HeartbeatServiceOptions,
  ) {
    const { session } = this;
    this.metrics = new HeartbeatMetrics(registry);
    this.reports = new PeerReports(bus, clock, options?.logIntervalMs ?? 60_000);
    this.sender = new PacketSender(
      session,
      plan.node,
      key,
      transport,
      clock,
      this.metrics,
      this.reports,
      options?.bindRetryMs ?? 5_000,
    );
    this.detector = new LossDetector(
      session,
      clock,
      this.metrics,
      this.reports,
      options?.stallToleranceMs ?? 100,
    );
    this.receiver = new PacketReceiver(session, key, clock, this.metrics, this.reports, this.detector);
    this.farms = new FarmMembership(
      session,
      plan.node,
      key,
      transport,
      clock,
      bus,
      this.reports,
      (nodes, previous) => allocateBuckets(nodes, previous),
      options?.bindRetryMs ?? 5_000,
    );
    this.engine = new EngineWatch(clock, processes, options?.engineCheckMs ?? 200, (pid) =>
      this.engineGone(pid),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** The incarnation this start sends with. */
  get currentIncarnation(): number {
    return this.session.incarnation;
  }

  /** Names of the mirror modules served, in plan order. */
  get moduleNames(): string[] {
    return [...this.modules.keys()];
  }

  /** Names of the farm modules served, in plan order. */
  get farmNames(): string[] {
    return this.farms.moduleNames;
  }

  /** A farm module's membership as this node follows it. */
  farmMember(module: string) {
    return this.farms.member(module);
  }

  /** What the service currently knows of a module's peer (the heartbeat.view it would publish). */
  view(module: string): HeartbeatView | undefined {
    const m = this.modules.get(module);
    return m && this.reports.view(m);
  }

  async start(): Promise<void> {
    const { session } = this;
    if (!session.beginStart()) return;
    session.incarnation = await this.incarnations.next();
    const now = this.clock.now();
    session.startedAt = now;
    for (const plan of this.plan.modules) {
      this.metrics.declareModule(
        plan.name,
        plan.heartbeats.map((h) => h.lan),
      );
      const log = this.logger.child({ module: plan.name });
      this.modules.set(plan.name, servedModule(plan, this.plan.node, log, now));
    }
    const received = this.receiver.datagram.bind(this.receiver);
    await Promise.all(
      [...this.modules.values()].flatMap((m) => m.lans.map((l) => this.sender.open(m, l, received))),
    );
    await this.farms.start(this.plan.farms, this.logger);
    if (!session.started()) return; // stopped while starting
    for (const m of this.modules.values()) {
      this.detector.arm(m);
      this.reports.publishView(m);
    }
    this.logger.info('heartbeat started', {
      incarnation: session.incarnation,
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
      farms: this.plan.farms.map((f) => ({
        module: f.name,
        port: f.port,
        pulseMs: f.pulseMs,
        lans: f.lans.map((l) => l.lan),
        nodes: f.nodes,
      })),
    });
  }

  async stop(): Promise<void> {
    const { session } = this;
    if (!session.beginStop()) return;
    this.engine.stop();
    await Promise.all([
      ...[...this.modules.values()].flatMap((m) => this.sender.close(m)),
      this.farms.stop(),
    ]);
    session.stopped();
    this.logger.info('heartbeat stopped');
  }

  // --- what the bus tells us (HeartbeatController receives it) -------------------------------

  /** A module's local state (keel.v1.<module>.state, from admin). */
  localState(change: StateChange): void {
    if (this.engineLost || this.farms.localState(change)) return;
    const m = this.modules.get(change.module);
    if (!m || !this.session.active || this.engineLost) return;
    m.local = { state: change.state, readiness: change.readiness };
    if (change.advertised) m.advertised = new Map(Object.entries(change.advertised));
    this.sender.reselect(m);
    this.sender.sendSoon(m);
  }

  /** A module resource changed (keel.v1.<module>.resource.changed). */
  resourceChanged(change: ResourceChanged): void {
    if (this.farms.resourceChanged(change)) return;
    const m = this.modules.get(change.module);
    if (!m || !this.session.active || !isAdvertisable(change.name)) return;
    if (m.resources.get(change.name) === change.value) return;
    m.resources.set(change.name, change.value);
    const before = m.selection;
    this.sender.reselect(m);
    if (!sameEntries(before, m.selection)) this.sender.sendSoon(m);
  }

  /** A service of this node (keel.v1.node.services). */
  servicePresence(presence: ServicePresence): void {
    if (presence.status !== 'ready' || !this.session.active) return;
    // The farm views are for admin and vip: a restarted one has lost them.
    if (presence.service === 'vip' || presence.service === 'admin') this.farms.retell();
    if (presence.service !== 'admin') return;
    this.engineLost = false;
    this.follow(presence);
    // admin (re)started: it has lost what we told it, so tell it again.
    for (const m of this.modules.values()) this.reports.retell(m);
  }

  /**
   * Follows admin's process, if it runs in this PID namespace: a pid of another namespace names
   * another process here (or none), and silence while admin lives would let the peer take over
   * beside it.
   */
  private follow(presence: ServicePresence): void {
    const own = this.processes.pidNamespace();
    if (own !== undefined && presence.pidNs === own) return this.engine.follow(presence.pid);
    this.engine.stop();
    this.logger.error("cannot follow admin's process: it does not run in this PID namespace", {
      pid: presence.pid,
      pidNs: presence.pidNs,
      own,
    });
  }

  /**
   * admin died: its modules' applications died with it, and the states last heard are no longer
   * true. Nothing more is sent until a new admin publishes them again, so the peer, hearing
   * nothing, takes over (engine-watch.ts).
   */
  private engineGone(pid: number): void {
    if (!this.session.active) return;
    this.engineLost = true;
    this.logger.error('admin is gone: this node no longer speaks for its modules until admin is back', {
      pid,
    });
    for (const m of this.modules.values()) {
      m.local = undefined;
      m.urgent?.cancel();
      m.urgent = undefined;
    }
    this.farms.engineGone();
  }
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
