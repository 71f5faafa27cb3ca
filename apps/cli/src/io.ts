/** Where the CLI writes; tests pass a recorder, the binary passes the process streams. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Everything on standard input (a password, never on the command line where ps shows it). */
  readonly stdin?: () => Promise<string>;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  env: process.env,
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Exit codes shared by every command (`state -lq` will define its own, as the reference says). */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** A command line that does not say something keel can do; the message says what is allowed. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
