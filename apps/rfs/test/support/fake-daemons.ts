// A fake RfsDaemonPort: records what would have been spawned and lets a test play the daemon
// (events, log lines, exit) and decide how it answers signals.
import type { DaemonEvent } from '../../src/core/daemon-events';
import {
  DaemonSpawnError,
  type DaemonListener,
  type DaemonProcess,
  type DaemonSpec,
  type RfsDaemonPort,
} from '../../src/ports/daemon.port';

export class FakeDaemon implements DaemonProcess {
  readonly signals: string[] = [];
  /** What was written on its control pipe (spawned with one), in order. */
  readonly controlLines: string[] = [];
  private exited = false;
  /** What the daemon does on SIGTERM: exit 0 (default), or nothing (a hung daemon). */
  onTerm: 'exit' | 'ignore' = 'exit';
  /** What it does on SIGKILL: die (default), or nothing (stuck in the kernel). */
  onKill: 'exit' | 'ignore' = 'exit';

  constructor(
    readonly spec: DaemonSpec,
    private readonly listener: DaemonListener,
    readonly pid: number,
  ) {}

  signal(sig: 'SIGTERM' | 'SIGUSR1' | 'SIGKILL'): void {
    this.signals.push(sig);
    if ((sig === 'SIGTERM' || sig === 'SIGUSR1') && this.onTerm === 'exit') setImmediate(() => this.exit(0));
    if (sig === 'SIGKILL' && this.onKill === 'exit') setImmediate(() => this.exit(null, 'SIGKILL'));
  }

  control(line: string): boolean {
    if (!this.spec.control || this.exited) return false;
    this.controlLines.push(line);
    return true;
  }

  emit(e: DaemonEvent): void {
    if (!this.exited) this.listener.event(e);
  }

  stderr(line: string): void {
    this.listener.log(line, 'info');
  }

  exit(code: number | null, signal: string | null = null): void {
    if (this.exited) return;
    this.exited = true;
    this.listener.exit({ code, signal });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The value of `--<name>` in its command line. */
  arg(name: string): string | undefined {
    const i = this.spec.args.indexOf(`--${name}`);
    return i < 0 ? undefined : this.spec.args[i + 1];
  }
}

export class FakeDaemons implements RfsDaemonPort {
  readonly spawned: FakeDaemon[] = [];
  /** Set to make the next spawns fail as a missing binary would. */
  missing = false;
  /** Called (on the next turn, as a real daemon's output comes) for every new daemon. */
  behaviour: (d: FakeDaemon) => void = (d) => d.emit({ event: 'mounted' });
  private pids = 1000;

  spawn(spec: DaemonSpec, listener: DaemonListener): DaemonProcess {
    if (this.missing) throw new DaemonSpawnError(spec.binary, 'no such file');
    const d = new FakeDaemon(spec, listener, ++this.pids);
    this.spawned.push(d);
    setImmediate(() => this.behaviour(d));
    return d;
  }

  get last(): FakeDaemon {
    const d = this.spawned.at(-1);
    if (!d) throw new Error('no daemon spawned');
    return d;
  }
}
