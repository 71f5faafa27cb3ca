// Twins of the checkers' ports: probes whose answers the test sets per target, and custom
// checker processes that record how they were started and stopped.
import type { ProbeTarget } from '../../src/core/plan';
import type { ProbePort, ProbeResult } from '../../src/ports/probe.port';
import type { CustomLaunch, CustomProcess, CustomProcessPort } from '../../src/ports/custom-process.port';

const key = (t: ProbeTarget) => {
  switch (t.kind) {
    case 'tcp':
      return `tcp ${t.addr}:${t.port}`;
    case 'intf':
      return `intf ${t.localAddr}`;
    case 'ready':
      return `ready ${t.url}`;
    default:
      return `${t.kind} ${t.addr}`;
  }
};

export class ProbeTwin implements ProbePort {
  /** Targets that fail, with the reason; every other target answers. */
  readonly failing = new Map<string, string>();
  readonly asked: string[] = [];

  fail(target: string, reason = 'refused'): void {
    this.failing.set(target, reason);
  }

  heal(target: string): void {
    this.failing.delete(target);
  }

  async probe(target: ProbeTarget): Promise<ProbeResult> {
    const k = key(target);
    this.asked.push(k);
    const reason = this.failing.get(k);
    return reason === undefined ? { ok: true } : { ok: false, reason };
  }
}

export class CustomTwin implements CustomProcessPort {
  readonly started: CustomLaunch[] = [];
  stopped = 0;
  private exits: ((how: string) => void)[] = [];

  start(launch: CustomLaunch, exited: (how: string) => void): CustomProcess {
    this.started.push(launch);
    this.exits.push(exited);
    return {
      stop: async () => {
        this.stopped++;
      },
    };
  }

  /** The last started program ends by itself. */
  exit(how = 'exited with code 1'): void {
    this.exits.at(-1)?.(how);
  }
}
