// errd's handlers (reference §5.10): a program of the module run when its process is found
// missing; exit 0 = handled.

export interface HandlerLaunch {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Where its output goes (a userlog of the module), or undefined to discard it. */
  readonly logFile: string | undefined;
  /** After this, its whole process group is killed and it counts as failed. */
  readonly timeoutMs: number;
}

export type HandlerEnd =
  | { readonly code: number }
  | { readonly signal: string }
  | { readonly timedOut: true }
  | { readonly error: string };

export interface RunningHandler {
  readonly done: Promise<HandlerEnd>;
  /** Kills its process group (the service is stopping). */
  kill(): void;
}

export interface ErrdHandlerPort {
  /** Never throws: a program that cannot start ends with `error`. */
  run(launch: HandlerLaunch): RunningHandler;
}

export const ERRD_HANDLERS = Symbol.for('keel.checkers.errdHandlers');
