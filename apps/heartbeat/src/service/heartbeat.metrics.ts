// The service's Prometheus metrics, registered in the service's own registry (@keel/runtime).
import { Counter, Gauge, type Registry } from 'prom-client';
import { REJECT_REASONS } from '../wire/errors';

export class HeartbeatMetrics {
  readonly rejected: Counter<'module' | 'reason'>;
  readonly received: Counter<'module' | 'lan'>;
  readonly sent: Counter<'module' | 'lan'>;
  readonly sendErrors: Counter<'module' | 'lan'>;
  readonly lanUp: Gauge<'module' | 'lan'>;
  readonly remoteKnown: Gauge<'module'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rejected = new Counter({
      name: 'keel_heartbeat_packets_rejected_total',
      help: 'Heartbeat packets refused, by module socket and reason (bad_mac, replay, stale, malformed, unknown_sender, wrong_module, wrong_lan)',
      labelNames: ['module', 'reason'],
      registers,
    });
    this.received = new Counter({
      name: 'keel_heartbeat_packets_received_total',
      help: 'Authentic, fresh heartbeat packets accepted from the peer',
      labelNames: ['module', 'lan'],
      registers,
    });
    this.sent = new Counter({
      name: 'keel_heartbeat_packets_sent_total',
      help: 'Heartbeat packets sent to the peer',
      labelNames: ['module', 'lan'],
      registers,
    });
    this.sendErrors = new Counter({
      name: 'keel_heartbeat_send_errors_total',
      help: 'Heartbeat packets the operating system refused to send',
      labelNames: ['module', 'lan'],
      registers,
    });
    this.lanUp = new Gauge({
      name: 'keel_heartbeat_lan_up',
      help: '1 while heartbeat.<ident> of the LAN is up, 0 while it is down or not yet known',
      labelNames: ['module', 'lan'],
      registers,
    });
    this.remoteKnown = new Gauge({
      name: 'keel_heartbeat_remote_known',
      help: '1 while the peer state is known (some LAN up), 0 while it is UNKNOWN',
      labelNames: ['module'],
      registers,
    });
  }

  /** Every series of a module exists from the start, at 0. */
  declareModule(module: string, lans: readonly string[]): void {
    for (const reason of REJECT_REASONS) this.rejected.inc({ module, reason }, 0);
    for (const lan of lans) {
      this.received.inc({ module, lan }, 0);
      this.sent.inc({ module, lan }, 0);
      this.sendErrors.inc({ module, lan }, 0);
      this.lanUp.set({ module, lan }, 0);
    }
    this.remoteKnown.set({ module }, 0);
  }
}
