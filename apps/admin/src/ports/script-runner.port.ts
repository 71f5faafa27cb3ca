/** One script run as the module engine asks for it. */
export interface ScriptRun {
  readonly module: string;
  /** Script name in the module's bin directory (start_prim, prestart, …). */
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Where stdout/stderr go; undefined discards them (`<user logging="none">`). */
  readonly userlog: string | undefined;
  /** Runs inside the namespaces of this process (the module's fence, FencePort). */
  readonly fence: number;
}

export interface ScriptResult {
  /** Exit code; 124 after a timeout, 126 when the file is not executable. */
  readonly code: number;
  readonly missing: boolean;
  readonly timedOut: boolean;
}

/** Runs module scripts as real processes; the in-memory twin in tests records them. */
export interface ScriptRunner {
  run(run: ScriptRun, bin: string): Promise<ScriptResult>;
}

export const SCRIPT_RUNNER = Symbol.for('keel.admin.scriptRunner');
