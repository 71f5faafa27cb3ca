/** Where the CLI writes; tests pass a recorder, the binary passes the process streams. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  env: process.env,
};

/** Exit codes shared by every command (`state -lq` will define its own, as the reference says). */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** A command line that does not say something keel can do; the message says what is allowed. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
