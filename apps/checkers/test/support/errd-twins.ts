// Twins of errd's ports: the node's process table the test writes, systemd units the test turns
// on and off, and handlers the test ends when it chooses.
import type { ProcessEntry } from '@keel/procs';
import type {
  ErrdHandlerPort,
  HandlerEnd,
  HandlerLaunch,
  RunningHandler,
} from '../../src/ports/errd-handler.port';
import type { ProcessTablePort } from '../../src/ports/process-table.port';
import type { SystemdUnitsPort, UnitState } from '../../src/ports/systemd-units.port';

export class ProcessTableTwin implements ProcessTablePort {
  table: ProcessEntry[] = [];
  /** How many scans were made. */
  scans = 0;
  /** Set: the next scans fail with it. */
  failure: string | undefined;
  private nextPid = 1000;

  /** A process of that name (and arguments) starts; its pid. */
  start(comm: string, ...args: string[]): number {
    const pid = this.nextPid++;
    this.table.push({ pid, ppid: 1, comm, start: pid * 10, argv: [comm, ...args] });
    return pid;
  }

  kill(comm: string): void {
    this.table = this.table.filter((p) => p.comm !== comm);
  }

  async list(argvFor: (comm: string) => boolean): Promise<readonly ProcessEntry[]> {
    this.scans++;
    if (this.failure) throw new Error(this.failure);
    return this.table.map((p) => ({ ...p, argv: argvFor(p.comm) ? p.argv : undefined }));
  }
}

export class UnitsTwin implements SystemdUnitsPort {
  readonly states = new Map<string, UnitState>();
  readonly asked: string[] = [];

  async state(unit: string): Promise<UnitState> {
    this.asked.push(unit);
    return this.states.get(unit) ?? { active: false };
  }
}

export class HandlerTwin implements ErrdHandlerPort {
  readonly launched: HandlerLaunch[] = [];
  killed = 0;
  private readonly ends: ((end: HandlerEnd) => void)[] = [];

  run(launch: HandlerLaunch): RunningHandler {
    this.launched.push(launch);
    const done = new Promise<HandlerEnd>((resolve) => this.ends.push(resolve));
    return { done, kill: () => this.killed++ };
  }

  /** The oldest handler still running ends so. */
  end(end: HandlerEnd): void {
    this.ends.shift()?.(end);
  }
}
