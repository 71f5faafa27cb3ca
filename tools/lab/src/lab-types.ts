// What the lab's callers see: its errors, options and results (docs/decisions/0006).
export class LabError extends Error {
  override readonly name: string = 'LabError';
}

/** A fault the kernel of this machine cannot inject (e.g. tc netem not built in). */
export class LabUnsupportedError extends LabError {
  override readonly name = 'LabUnsupportedError';
}

export interface LabOptions {
  /**
   * On exit of this Node process, SIGKILL the hosts' init processes (which kills every process
   * of the lab) and the processes started with spawn(). Namespaces stay until destroy() or
   * cleanupLeftovers(). Default true; the CLI turns it off so `lab up` outlives the command.
   */
  readonly killOnExit?: boolean;
}

export interface ExecOptions {
  /** Bound on the command; on expiry it is SIGKILLed and `timedOut` is set. Default 60 s. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin (otherwise stdin is /dev/null). */
  readonly input?: string;
  /** Environment of the command; default this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory inside the host (resolved in its mount namespace). Default /. */
  readonly cwd?: string;
  /** Reject with LabError unless the command exits 0. */
  readonly check?: boolean;
}

export interface SpawnOptions {
  /** Append stdout and stderr to this file (a path on the machine running the lab). Default: discarded. */
  readonly logFile?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Let the process outlive this Node process (new session, not killed on exit). Default false. */
  readonly detached?: boolean;
}

export interface ExitStatus {
  /** Exit code; 128 + signal number when killed by a signal. */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
}

export interface LabProcess {
  readonly host: string;
  readonly argv: readonly string[];
  /** Host pid of the command itself (what kill/freeze/thaw act on); the wrapper's pid if it died at once. */
  readonly pid: number;
  /** Host pid of the nsenter wrapper that waits for the command and reports its status. */
  readonly wrapperPid: number;
  readonly exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /** Signals the command (default SIGKILL); false if it is gone. */
  kill(signal?: NodeJS.Signals): boolean;
}

export interface NetemOptions {
  readonly delayMs?: number;
  readonly jitterMs?: number;
  readonly lossPct?: number;
}

/** How a netem() request was applied. */
export type NetemBackend = 'tc-netem' | 'nft-loss' | 'cleared';

export interface TcpProbeResult {
  readonly connected: boolean;
  /** First line the server sent (e.g. nats-server's INFO), when `readLine` was asked for. */
  readonly line?: string;
  readonly error?: string;
}

export interface HostStatus {
  readonly name: string;
  readonly kind: 'node' | 'client';
  readonly netns: string;
  readonly present: boolean;
  /** Host pid of the host's init (pid 1 of its PID namespace), if running. */
  readonly initPid?: number;
  /** Processes inside the host, init and its idle child excluded. */
  readonly processes: number;
  readonly interfaces: readonly {
    lan: string;
    ifname: string;
    address: string;
    /** Switch port administratively up (false after linkDown/partition). */
    linkUp: boolean;
    qdisc?: string;
  }[];
}
