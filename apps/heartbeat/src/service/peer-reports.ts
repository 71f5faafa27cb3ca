// What heartbeat tells the node about a module's peer: heartbeat.view, resource.set
// heartbeat.<ident> (component "heart"), E lines of the module log; and its own throttled log
// reports. A bus failure never stops the heartbeats: it is logged (throttled) and dropped.
import { codecs, subjects, type BusPort, type HeartbeatView } from '@keel/bus';
import { throttle, type ThrottleState } from '../core/throttle';
import type { Clock } from '@keel/runtime';
import type { ServedModule } from './served-module';

/**
 * The component named in resource.set and in the module log: SafeKit's, so the lines read as its
 * own ("Resource heartbeat.<id> set to down by heart", reference §3.10).
 */
export const COMPONENT = 'heart';

export class PeerReports {
  private throttles: ThrottleState = new Map();

  constructor(
    private readonly bus: BusPort,
    private readonly clock: Clock,
    private readonly logIntervalMs: number,
  ) {}

  /** At most one report per interval for the same repeated problem (`key`). */
  report(key: string, emit: (suppressed: number) => void): void {
    const t = throttle(this.throttles, key, this.clock.now(), this.logIntervalMs);
    this.throttles = t.state;
    if (t.report) emit(t.suppressed);
  }

  view(m: ServedModule): HeartbeatView {
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

  publishView(m: ServedModule): void {
    this.safely(m, 'heartbeat.view', () =>
      this.bus.publish(subjects.heartbeatView(m.plan.name), codecs.heartbeatView, this.view(m)),
    );
  }

  publishResource(m: ServedModule, ident: string, value: 'up' | 'down'): void {
    this.safely(m, 'resource.set', () =>
      this.bus.publish(subjects.resourceSet(m.plan.name), codecs.resourceSet, {
        module: m.plan.name,
        name: `heartbeat.${ident}`,
        value,
        component: COMPONENT,
      }),
    );
  }

  publishLog(m: ServedModule, message: string): void {
    this.safely(m, 'module.log', () => this.publishModuleLog(m.plan.name, message));
  }

  /** An E line in a farm module's log (a refused membership packet). Dropped if the bus fails. */
  publishFarmLog(module: string, message: string): void {
    try {
      this.publishModuleLog(module, message);
    } catch {
      // Already reported by the caller's throttle; the next refusal tries again.
    }
  }

  private publishModuleLog(module: string, message: string): void {
    this.bus.publish(subjects.log(module), codecs.logLine, {
      module,
      level: 'E',
      message,
      component: COMPONENT,
    });
  }

  /** Tells everything known again (admin restarted and lost it). */
  retell(m: ServedModule): void {
    for (const l of m.receiver.liveness.lans) {
      if (l.status !== 'init') this.publishResource(m, l.ident, l.status);
    }
    this.publishView(m);
  }

  private safely(m: ServedModule, what: string, publish: () => void): void {
    try {
      publish();
    } catch (err) {
      this.report(`bus|${m.plan.name}|${what}`, (suppressed) =>
        m.log.error(`cannot publish ${what}`, { err, suppressed }),
      );
    }
  }
}
