import { CliIo } from '../src/io';

/** A CliIo that keeps what the command printed. */
export function recorder(
  env: Record<string, string> = { KEEL_VAR: '/nonexistent-keel-var' },
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    env,
    out: (l) => stdout.push(...l.split('\n')),
    err: (l) => stderr.push(...l.split('\n')),
  };
}
