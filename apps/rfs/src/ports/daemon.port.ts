// The only way the rfs service touches a replication daemon. The production adapter spawns
// keel-rfsd (adapters/process-daemon.ts); unit tests pass a fake that plays the daemon's part.
import type { DaemonEvent } from '../core/daemon-events';

export const RFS_DAEMONS = Symbol.for('keel.rfs.daemons');

export interface DaemonSpec {
  readonly module: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** Created (with parents) before the daemon starts. */
  readonly stateDir: string;
  /**
   * Give the daemon a control pipe on its stdin (a primary under the lease arbiter reads its write
   * deadlines there, docs/decisions/0019); its write end stays in this process only.
   */
  readonly control?: boolean;
}

export interface DaemonExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** The process could not be run at all (e.g. EACCES), or its end could not be observed. */
  readonly error?: string;
}

/** What a running daemon tells: never before spawn returned, in order, exit last and once. */
export interface DaemonListener {
  event(e: DaemonEvent): void;
  /** A human log line (its stderr), or a stdout line that is not an event. */
  log(line: string, level: 'info' | 'warn'): void;
  exit(e: DaemonExit): void;
}

export interface DaemonProcess {
  readonly pid: number | undefined;
  /**
   * SIGTERM asks the daemon to unmount and exit 0; SIGUSR1 the same, a secondary first telling its
   * primary that it leaves; SIGKILL ends it at once.
   */
  signal(sig: 'SIGTERM' | 'SIGUSR1' | 'SIGKILL'): void;
  /**
   * Writes one line on the control pipe; false when the daemon has none, or it is closed (the
   * daemon exited): what was not written never gives the daemon time.
   */
  control(line: string): boolean;
}

export interface RfsDaemonPort {
  /** Starts one daemon; throws DaemonSpawnError when it cannot even be started. */
  spawn(spec: DaemonSpec, listener: DaemonListener): DaemonProcess;
}

/** The daemon could not be started (missing binary, state directory not creatable, ...). */
export class DaemonSpawnError extends Error {
  override readonly name = 'DaemonSpawnError';
  constructor(
    readonly binary: string,
    readonly problem: string,
  ) {
    super(`cannot start ${binary}: ${problem}`);
  }
}
