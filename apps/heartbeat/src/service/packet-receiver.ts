// A datagram on a module's heartbeat LAN: authenticated, checked for freshness and for this
// start's echo by the pure receiver, then counted, reported when refused, or applied to the
// peer's liveness.
import { heardOf, NOT_HEARD } from '../core/echo';
import { receiveDatagram } from '../core/receive';
import type { Clock } from '@keel/runtime';
import type { UdpEndpoint } from '../ports/udp.port';
import { Stale, type PacketRejection } from '../wire/errors';
import type { HeartbeatKey } from '../wire/key';
import type { HeartbeatMetrics } from './heartbeat.metrics';
import type { LossDetector } from './loss-detector';
import type { PeerReports } from './peer-reports';
import type { ServedLan, ServedModule, Session } from './served-module';

export class PacketReceiver {
  constructor(
    private readonly session: Session,
    private readonly key: HeartbeatKey,
    private readonly clock: Clock,
    private readonly metrics: HeartbeatMetrics,
    private readonly reports: PeerReports,
    private readonly detector: LossDetector,
  ) {}

  datagram(m: ServedModule, l: ServedLan, bytes: Uint8Array, from: UdpEndpoint): void {
    const { session } = this;
    if (!session.active) return;
    const result = receiveDatagram(m.receiver, bytes, this.key, l.expect, this.clock.now(), {
      own: session.incarnation,
      heard: session.heard,
    });
    m.receiver = result.state;
    if (result.heard !== session.heard) {
      session.heard = result.heard;
      m.log.info('heard the peer heartbeat start', {
        peer: m.plan.peer,
        incarnation: heardOf(session.heard, m.plan.peer),
      });
    }
    if (!result.outcome.accepted) {
      this.rejected(m, l, result.outcome.error, from);
      return;
    }
    this.metrics.received.inc({ module: m.plan.name, lan: l.plan.lan });
    this.detector.apply(m, result.outcome.changes);
    this.detector.arm(m);
  }

  private rejected(m: ServedModule, l: ServedLan, error: PacketRejection, from: UdpEndpoint): void {
    this.metrics.rejected.inc({ module: m.plan.name, reason: error.reason });
    if (error instanceof Stale && this.ordinaryStale(error, l)) {
      m.log.debug('heartbeat packet made before this start', {
        lan: l.plan.lan,
        from,
        detail: error.message,
      });
      return;
    }
    this.reports.report(`reject|${m.plan.name}|${error.reason}`, (suppressed) => {
      m.log.warn('heartbeat packet rejected', {
        lan: l.plan.lan,
        reason: error.reason,
        from,
        detail: error.message,
        suppressed,
      });
      this.reports.publishLog(
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
  private ordinaryStale(error: Stale, l: ServedLan): boolean {
    return error.echo === NOT_HEARD || this.clock.now() - this.session.startedAt < l.plan.timeoutMs;
  }
}
