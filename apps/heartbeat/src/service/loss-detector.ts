// When a module's peer is judged: a timer at the next LAN deadline of the liveness reducer, a
// judgement deferred after a stall of this process, and what each liveness change becomes (log
// line, metric, resource.set, heartbeat.view).
import { nextDeadline, stepLiveness, type LivenessChange, type RemoteView } from '../core/liveness';
import type { Clock } from '@keel/runtime';
import type { HeartbeatMetrics } from './heartbeat.metrics';
import { COMPONENT, type PeerReports } from './peer-reports';
import type { ServedModule, Session } from './served-module';

const STALL_GRACE_MS = 1;

export class LossDetector {
  constructor(
    private readonly session: Session,
    private readonly clock: Clock,
    private readonly metrics: HeartbeatMetrics,
    private readonly reports: PeerReports,
    /**
     * A timer firing this much later than due means this process was stalled (frozen, swapped,
     * long GC): the datagrams queued meanwhile are read before judging the peer.
     */
    private readonly stallToleranceMs: number,
  ) {}

  /** Sets the timer to the module's next deadline (after a packet, a judgement, a start). */
  arm(m: ServedModule): void {
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

  /** What the liveness reducer decided, carried out. */
  apply(m: ServedModule, changes: readonly LivenessChange[]): void {
    if (changes.length === 0) return;
    for (const c of changes) {
      if (c.type === 'lan') {
        this.metrics.lanUp.set({ module: m.plan.name, lan: c.lan }, c.status === 'up' ? 1 : 0);
        m.log.info(`Resource heartbeat.${c.ident} set to ${c.status} by ${COMPONENT}`, {
          lan: c.lan,
          previous: c.previous,
        });
        this.reports.publishResource(m, c.ident, c.status);
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
    this.reports.publishView(m);
  }

  private onDeadline(m: ServedModule, due: number): void {
    m.deadline = undefined;
    if (!this.session.active) return;
    const late = this.clock.now() - due;
    if (late > this.stallToleranceMs && !m.stallDeferred) {
      // We were not running: read what the sockets received meanwhile, then judge.
      m.stallDeferred = true;
      m.log.warn('heartbeat timer ran late: this process was stalled', { lateMs: Math.round(late) });
      m.deadline = this.clock.setTimer(STALL_GRACE_MS, () => {
        m.stallDeferred = false;
        m.deadline = undefined;
        if (this.session.active) this.judge(m);
      });
      return;
    }
    this.judge(m);
  }

  private judge(m: ServedModule): void {
    const step = stepLiveness(m.receiver.liveness, { type: 'tick', now: this.clock.now() });
    m.receiver = { guard: m.receiver.guard, liveness: step.liveness };
    this.apply(m, step.changes);
    this.arm(m);
  }
}

function describe(remote: RemoteView): string {
  return remote.known ? `${remote.state} ${remote.readiness}` : 'UNKNOWN';
}

function incarnationOf(remote: RemoteView): number | undefined {
  return remote.known ? remote.incarnation : undefined;
}
