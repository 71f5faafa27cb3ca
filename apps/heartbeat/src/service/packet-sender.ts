// Sending a module's heartbeats: one socket per LAN (opened again later if its address cannot be
// bound yet), a packet every pulse, and one at once on every LAN when the local state or the
// advertised resources change (a burst of bus messages shares it). Nothing is sent before the
// local state is known.
import { selectAdvertised } from '../core/advertise';
import { heardOf } from '../core/echo';
import type { Clock } from '@keel/runtime';
import type { UdpEndpoint, UdpSocket, UdpTransport } from '../ports/udp.port';
import { encodePacket } from '../wire/codec';
import type { HeartbeatKey } from '../wire/key';
import type { HeartbeatMetrics } from './heartbeat.metrics';
import type { PeerReports } from './peer-reports';
import type { ServedLan, ServedModule, Session } from './served-module';

export type DatagramSink = (m: ServedModule, l: ServedLan, bytes: Uint8Array, from: UdpEndpoint) => void;

export class PacketSender {
  constructor(
    private readonly session: Session,
    /** This node's cluster.xml name, the sender of every packet. */
    private readonly node: string,
    private readonly key: HeartbeatKey,
    private readonly transport: UdpTransport,
    private readonly clock: Clock,
    private readonly metrics: HeartbeatMetrics,
    private readonly reports: PeerReports,
    /** Delay before trying again to bind a LAN address that could not be bound. */
    private readonly bindRetryMs: number,
  ) {}

  /** Opens the LAN's socket (retrying until it can), then sends on it every pulse. */
  async open(m: ServedModule, l: ServedLan, received: DatagramSink): Promise<void> {
    const { local, lan } = l.plan;
    let socket: UdpSocket;
    try {
      socket = await this.transport.open(
        { address: local.address, port: local.port, lan },
        (bytes, from) => received(m, l, bytes, from),
        (err) => this.socketError(m, l, err),
      );
    } catch (err) {
      if (!this.session.active) return;
      this.reports.report(`bind|${m.plan.name}|${lan}`, (suppressed) =>
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
        void this.open(m, l, received);
      });
      return;
    }
    if (!this.session.active) {
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

  /** Stops every timer of the module and closes its sockets. */
  close(m: ServedModule): Promise<void>[] {
    const closing: Promise<void>[] = [];
    m.deadline?.cancel();
    m.urgent?.cancel();
    for (const l of m.lans) {
      l.pulseTimer?.cancel();
      l.retryTimer?.cancel();
      if (l.socket) closing.push(l.socket.close());
      l.socket = undefined;
    }
    return closing;
  }

  /** The resources that fit in the packets, from what the state and the resources say now. */
  reselect(m: ServedModule): void {
    const selection = selectAdvertised(m.advertised, m.resources, m.budget);
    m.selection = selection.resources;
    const dropped = selection.dropped.join(',');
    if (dropped !== m.dropped && dropped !== '') {
      m.log.warn('resources left out of the heartbeat packets (no room)', { dropped: selection.dropped });
    }
    m.dropped = dropped;
  }

  /**
   * A change goes out on every LAN at once rather than at the next pulse; what arrives in the
   * same burst (admin publishes a state, then the facts that go with it) shares one packet.
   */
  sendSoon(m: ServedModule): void {
    if (m.urgent) return;
    m.urgent = this.clock.setTimer(0, () => {
      m.urgent = undefined;
      if (!this.session.active) return;
      for (const l of m.lans) {
        if (!l.socket) continue;
        this.sendOn(m, l);
        this.schedulePulse(m, l);
      }
    });
  }

  private schedulePulse(m: ServedModule, l: ServedLan): void {
    l.pulseTimer?.cancel();
    l.pulseTimer = this.clock.setTimer(l.plan.pulseMs, () => {
      l.pulseTimer = undefined;
      if (!this.session.active) return;
      this.sendOn(m, l);
      this.schedulePulse(m, l);
    });
  }

  /** Sends one packet on one LAN, if the local state is known and the socket is open. */
  private sendOn(m: ServedModule, l: ServedLan): void {
    if (!m.local || !l.socket) return;
    m.sequence += 1;
    let bytes: Uint8Array;
    try {
      bytes = encodePacket(
        {
          module: m.plan.name,
          sender: this.node,
          lan: l.plan.lan,
          incarnation: this.session.incarnation,
          sequence: m.sequence,
          echo: heardOf(this.session.heard, m.plan.peer),
          state: m.local.state,
          readiness: m.local.readiness,
          resources: m.selection,
        },
        this.key,
      );
    } catch (err) {
      this.reports.report(`encode|${m.plan.name}`, (suppressed) =>
        m.log.error('cannot encode a heartbeat packet', { err, suppressed }),
      );
      return;
    }
    l.socket.send(bytes, l.plan.remote);
    this.metrics.sent.inc({ module: m.plan.name, lan: l.plan.lan });
  }

  private socketError(m: ServedModule, l: ServedLan, err: Error): void {
    this.metrics.sendErrors.inc({ module: m.plan.name, lan: l.plan.lan });
    this.reports.report(`socket|${m.plan.name}|${l.plan.lan}`, (suppressed) =>
      m.log.warn('heartbeat socket error', { lan: l.plan.lan, err, suppressed }),
    );
  }
}
