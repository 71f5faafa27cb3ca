// Long-running custom checker programs (reference §5.16): started when their window opens,
// killed with everything they started when it closes.

export interface CustomLaunch {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Where its output goes (the module's variable directory), or undefined to discard it. */
  readonly logFile: string | undefined;
}

export interface CustomProcess {
  /** Kills its process group (SIGTERM, then SIGKILL after a grace); resolves once it is gone. */
  stop(): Promise<void>;
}

export interface CustomProcessPort {
  /** `exited` is called once if the program ends by itself (code, or signal name). */
  start(launch: CustomLaunch, exited: (how: string) => void): CustomProcess;
}

export const CUSTOM_PROCESSES = Symbol.for('keel.checkers.customProcesses');
