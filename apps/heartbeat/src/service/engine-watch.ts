// admin, this node's module engine, is what the states heartbeat carries to the peer come from.
// When it dies (SIGKILL, OOM, a crash) the applications of its modules die with it (their fence,
// docs/decisions/0013), yet the last state heartbeat heard — PRIM Ready — would go on being
// announced, and the peer would never take over. So heartbeat follows admin's process (its pid
// from its `ready` presence) and, once it is gone, stops speaking for the modules: the peer then
// sees this node lost and takes over. A restarted admin says `ready` again and re-publishes the
// states, and the heartbeats resume. A pid reused by another process before the check looks
// alive: the watch then errs as heartbeat did before it, never the other way.
import type { Clock, Timer } from '@keel/runtime';
import type { ProcessWatch } from '../ports/process-watch.port';

export class EngineWatch {
  private pid: number | undefined;
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly processes: ProcessWatch,
    private readonly checkMs: number,
    /** admin (this pid) is gone. Called once per pid. */
    private readonly gone: (pid: number) => void,
  ) {}

  /** admin said it is ready, from this process. */
  follow(pid: number): void {
    this.pid = pid;
    if (!this.timer) this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pid = undefined;
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(this.checkMs, () => {
      this.timer = undefined;
      const pid = this.pid;
      if (pid === undefined) return;
      if (!this.processes.alive(pid)) {
        this.pid = undefined;
        this.gone(pid);
        return;
      }
      this.schedule();
    });
  }
}
