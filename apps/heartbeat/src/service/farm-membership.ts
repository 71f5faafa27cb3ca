// The farm modules' membership (docs/decisions/0017): one socket per `<farm><lan>`, a packet
// every `pulse` to every other node of the module (its readiness, the highest epoch it saw, and,
// from the leader, the view), the pure membership (core/farm-member.ts) fed with every accepted
// packet, this node's readiness and time; and the followed view published on the bus
// (keel.v1.<module>.farm.view) for admin (log lines, FarmProto_0) and vip (the bucket sets, the
// ARP answers). Packets are authenticated and replay-protected like mirror heartbeats: the same
// key, the same incarnation and echo (the session's), a replay guard per LAN and sender.
import {
  codecs,
  subjects,
  type BusPort,
  type FarmViewMessage,
  type ResourceChanged,
  type StateChange,
} from '@keel/bus';

/** The resource admin sets to `closed` when this node must give its share away (keel farm close). */
export const TRAFFIC_RESOURCE = 'farm.traffic';
import type { Allocate } from '@keel/engine';
import type { Clock, Logger, Timer } from '@keel/runtime';
import { checkEcho, heardOf, noteHeard } from '../core/echo';
import {
  initialMember,
  leads,
  memberDeadline,
  ownReadiness,
  packetHeard,
  timePassed,
  toWire,
  type FarmMember,
  type FarmStep,
} from '../core/farm-member';
import type { FarmLanPlan, FarmModulePlan } from '../core/farm-plan';
import { admit, channelKey, emptyGuard, type ReplayGuard } from '../core/replay-guard';
import type { UdpEndpoint, UdpSocket, UdpTransport } from '../ports/udp.port';
import { encodeFarmPacket, openFarmPacket } from '../wire/farm-codec';
import { BUCKETS } from '../wire/farm-packet';
import type { HeartbeatKey } from '../wire/key';
import type { PeerReports } from './peer-reports';
import type { Session } from './served-module';

interface FarmLan {
  readonly plan: FarmLanPlan;
  socket: UdpSocket | undefined;
  retry: Timer | undefined;
}

interface ServedFarm {
  readonly plan: FarmModulePlan;
  readonly log: Logger;
  readonly lans: readonly FarmLan[];
  readonly senders: ReadonlySet<string>;
  member: FarmMember;
  /** admin says UP (Ready). */
  up: boolean;
  /** `farm.traffic` is not `closed` (keel farm close, or scriptcontrol before the scripts open it). */
  open: boolean;
  guard: ReplayGuard;
  sequence: number;
  pulse: Timer | undefined;
  deadline: Timer | undefined;
  /** Pulses since the view was last published (it is published again within its lease). */
  sincePublished: number;
}

export class FarmMembership {
  private readonly farms = new Map<string, ServedFarm>();

  constructor(
    private readonly session: Session,
    private readonly node: string,
    private readonly key: HeartbeatKey,
    private readonly transport: UdpTransport,
    private readonly clock: Clock,
    private readonly bus: BusPort,
    private readonly reports: PeerReports,
    private readonly allocate: Allocate,
    private readonly bindRetryMs: number,
  ) {}

  get moduleNames(): string[] {
    return [...this.farms.keys()];
  }

  /** The membership as this node follows it now (tests, diagnostics). */
  member(module: string): FarmMember | undefined {
    return this.farms.get(module)?.member;
  }

  async start(plans: readonly FarmModulePlan[], logger: Logger): Promise<void> {
    for (const plan of plans) {
      this.farms.set(plan.name, {
        plan,
        log: logger.child({ module: plan.name }),
        lans: plan.lans.map((l) => ({ plan: l, socket: undefined, retry: undefined })),
        senders: new Set(plan.nodes.filter((n) => n !== this.node)),
        member: initialMember(plan, this.node, this.clock.now()),
        up: false,
        open: true,
        guard: emptyGuard(),
        sequence: 0,
        pulse: undefined,
        deadline: undefined,
        sincePublished: 0,
      });
    }
    await Promise.all([...this.farms.values()].flatMap((f) => f.lans.map((l) => this.open(f, l))));
    for (const f of this.farms.values()) {
      this.schedulePulse(f);
      this.publish(f);
      this.armDeadline(f);
    }
  }

  /**
   * A stopping heartbeat tells the others this node serves no more (they take its buckets at
   * once rather than after slost_count pulses) and its own node that it has no view: the vip
   * service empties its sets rather than serve beside the nodes that take them.
   */
  async stop(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const f of this.farms.values()) {
      if (f.member.liveness.selfReady) {
        f.member = { ...f.member, liveness: { ...f.member.liveness, selfReady: false } };
        this.sendAll(f);
      }
      this.publish(f, true);
      f.pulse?.cancel();
      f.deadline?.cancel();
      for (const l of f.lans) {
        l.retry?.cancel();
        if (l.socket) closing.push(l.socket.close());
        l.socket = undefined;
      }
    }
    await Promise.all(closing);
  }

  /** admin's state of a module: UP (Ready) asks for a share, anything else gives it up. */
  localState(change: StateChange): boolean {
    const f = this.farms.get(change.module);
    if (!f) return false;
    f.up = change.state === 'UP' && change.readiness === 'Ready';
    this.sync(f);
    return true;
  }

  /** A resource of a farm module: `farm.traffic` closed gives this node's share away. */
  resourceChanged(change: ResourceChanged): boolean {
    const f = this.farms.get(change.module);
    if (!f) return false;
    if (change.name === TRAFFIC_RESOURCE) {
      f.open = change.value !== 'closed';
      this.sync(f);
    }
    return true;
  }

  /** admin died: its applications with it; this node serves nothing until a new admin says so. */
  engineGone(): void {
    for (const f of this.farms.values()) {
      f.up = false;
      this.sync(f);
    }
  }

  /** admin or vip (re)started: they lost the view. */
  retell(): void {
    for (const f of this.farms.values()) this.publish(f);
  }

  /**
   * This node asks for a share while admin says UP (Ready), its traffic is open, and the leader's
   * groups are this node's (a node whose configuration differs steps out: the others serve).
   */
  private sync(f: ServedFarm): void {
    const ready = f.up && f.open && f.member.groupsRefusedBy === undefined;
    if (!this.session.active || f.member.liveness.selfReady === ready) return;
    this.step(f, (now) => ownReadiness(f.plan, f.member, ready, now, this.allocate), true);
  }

  private async open(f: ServedFarm, l: FarmLan): Promise<void> {
    const { local, lan } = l.plan;
    try {
      const socket = await this.transport.open(
        { address: local.address, port: local.port, lan },
        (bytes, from) => this.datagram(f, l, bytes, from),
        (err) =>
          this.reports.report(`farm-socket|${f.plan.name}|${lan}`, (suppressed) =>
            f.log.warn('farm socket error', { lan, err, suppressed }),
          ),
      );
      if (!this.session.active) return void (await socket.close());
      l.socket = socket;
      f.log.info('farm membership socket open', { lan, address: local.address, port: local.port });
    } catch (err) {
      if (!this.session.active) return;
      this.reports.report(`farm-bind|${f.plan.name}|${lan}`, (suppressed) =>
        f.log.error('cannot open the farm membership socket; retrying', {
          lan,
          address: local.address,
          port: local.port,
          err,
          suppressed,
        }),
      );
      l.retry = this.clock.setTimer(this.bindRetryMs, () => {
        l.retry = undefined;
        void this.open(f, l);
      });
    }
  }

  private datagram(f: ServedFarm, l: FarmLan, bytes: Uint8Array, from: UdpEndpoint): void {
    if (!this.session.active) return;
    const opened = openFarmPacket(bytes, this.key, {
      module: f.plan.name,
      lan: l.plan.lan,
      senders: f.senders,
    });
    if (!opened.ok) return this.rejected(f, l, opened.error.reason, opened.error.message, from);
    const p = opened.value;
    // Learning the sender's start never waits for acceptance (core/echo.ts).
    this.session.heard = noteHeard(this.session.heard, p.sender, p.incarnation);
    if (checkEcho(p, this.session.incarnation)) return; // made before this start: expected for a pulse
    const verdict = admit(f.guard, channelKey(f.plan.name, l.plan.lan, p.sender), p.sender, p);
    f.guard = verdict.guard;
    if (!verdict.accepted) return this.rejected(f, l, verdict.error.reason, verdict.error.message, from);
    this.step(f, (now) => packetHeard(f.plan, f.member, p, now, this.allocate), false);
  }

  private rejected(f: ServedFarm, l: FarmLan, reason: string, detail: string, from: UdpEndpoint): void {
    this.reports.report(`farm-reject|${f.plan.name}|${reason}`, (suppressed) => {
      f.log.warn('farm packet rejected', { lan: l.plan.lan, reason, from, detail, suppressed });
      this.reports.publishFarmLog(
        f.plan.name,
        `Farm packet from ${from.address} on ${l.plan.lan} rejected: ${detail}` +
          (suppressed > 0 ? ` (${suppressed} more since the last report)` : ''),
      );
    });
  }

  /**
   * A step of the membership: publish a changed view; a leader's view or a readiness change goes
   * out at once. A step that fails (an allocation refusing its input) keeps the membership as it
   * was and is said, never thrown at a socket or a timer (that would end the process, and every
   * mirror heartbeat of the node with it).
   */
  private step(f: ServedFarm, make: (now: number) => FarmStep, selfChanged: boolean): void {
    let step: FarmStep;
    try {
      step = make(this.clock.now());
    } catch (err) {
      this.reports.report(`farm-step|${f.plan.name}`, (suppressed) =>
        f.log.error('cannot make the farm view', { err, suppressed }),
      );
      return;
    }
    f.member = step.member;
    if (step.refused !== undefined) {
      const why = step.refused;
      this.reports.report(`farm-groups|${f.plan.name}`, (suppressed) => {
        f.log.error('farm view refused', { reason: why, suppressed });
        this.reports.publishFarmLog(f.plan.name, `Farm view refused: ${why}`);
      });
    }
    if (step.changed) {
      const v = f.member.view;
      f.log.info('farm view', v ? { leader: v.leader, epoch: v.epoch, members: v.members } : { members: [] });
      this.publish(f);
    }
    if ((step.changed && leads(f.member, this.clock.now())) || selfChanged) this.sendAll(f);
    this.armDeadline(f);
    // A leader's groups refused or gone again changes whether this node asks for a share.
    this.sync(f);
  }

  private armDeadline(f: ServedFarm): void {
    f.deadline?.cancel();
    const now = this.clock.now();
    const due = memberDeadline(f.member, now);
    f.deadline =
      due === undefined
        ? undefined
        : this.clock.setTimer(Math.max(0, due - now), () => {
            f.deadline = undefined;
            if (this.session.active)
              this.step(f, (at) => timePassed(f.plan, f.member, at, this.allocate), false);
          });
  }

  private schedulePulse(f: ServedFarm): void {
    f.pulse = this.clock.setTimer(f.plan.pulseMs, () => {
      f.pulse = undefined;
      if (!this.session.active) return;
      this.sendAll(f);
      // Three times a lease: the vip service drops its buckets only if heartbeat falls silent.
      if (++f.sincePublished >= Math.max(1, Math.floor(f.plan.slostCount / 3))) this.publish(f);
      this.schedulePulse(f);
    });
  }

  private sendAll(f: ServedFarm): void {
    const view =
      leads(f.member, this.clock.now()) && f.member.view ? toWire(f.plan, f.member.view) : undefined;
    for (const l of f.lans) {
      if (!l.socket) continue;
      for (const peer of l.plan.peers) {
        f.sequence += 1;
        try {
          const bytes = encodeFarmPacket(
            {
              module: f.plan.name,
              sender: this.node,
              lan: l.plan.lan,
              incarnation: this.session.incarnation,
              sequence: f.sequence,
              echo: heardOf(this.session.heard, peer.node),
              ready: f.member.liveness.selfReady,
              seenEpoch: f.member.seenEpoch,
              view,
            },
            this.key,
          );
          l.socket.send(bytes, peer.remote);
        } catch (err) {
          this.reports.report(`farm-encode|${f.plan.name}`, (suppressed) =>
            f.log.error('cannot encode a farm packet', { err, suppressed }),
          );
        }
      }
    }
  }

  private publish(f: ServedFarm, none = false): void {
    f.sincePublished = 0;
    const msg = viewMessage(f.plan, none ? { ...f.member, view: undefined } : f.member);
    try {
      this.bus.publish(subjects.farmView(f.plan.name), codecs.farmView, msg);
    } catch (err) {
      this.reports.report(`bus|${f.plan.name}|farm.view`, (suppressed) =>
        f.log.error('cannot publish farm.view', { err, suppressed }),
      );
    }
  }
}

/** The followed view as the bus carries it; none yet: no member, nobody owns a bucket. */
export function viewMessage(plan: FarmModulePlan, m: FarmMember): FarmViewMessage {
  const v = m.view;
  const none = () => new Array<string | null>(BUCKETS).fill(null);
  return {
    module: plan.name,
    ...(v ? { leader: v.leader } : {}),
    epoch: v?.epoch ?? m.seenEpoch,
    members: v ? [...v.members] : [],
    groups: plan.groups.map((g) => ({
      name: g.name,
      owners: [...(v && Object.hasOwn(v.owners, g.name) ? v.owners[g.name] : none())],
    })),
    // As long as the others wait before they take this node's buckets when it falls silent.
    leaseMs: plan.slostCount * plan.pulseMs,
  };
}
