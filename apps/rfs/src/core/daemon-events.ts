// keel-rfsd's stdout: one JSON object per line. Parsing is total: a line that is not one of the
// contract's events is returned as a refusal (logged by the caller), never thrown, so a daemon
// printing something unexpected cannot take the service down.
import { z } from 'zod';

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Text = z.string().max(4096);

const DaemonEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('mounted') }),
  z.object({ event: z.literal('connected'), peer: z.string().min(1).max(300) }),
  z.object({ event: z.literal('reintegration'), full: z.boolean() }),
  z.object({ event: z.literal('synced'), files: Count, bytes: Count, ms: Count }),
  z.object({ event: z.literal('link-lost'), reason: Text }),
  // A secondary acknowledged a change it then could not apply: its copy is behind.
  z.object({ event: z.literal('behind'), reason: Text }),
  // The primary stopped replicating cleanly: everything it acknowledged is here.
  z.object({ event: z.literal('primary-stopped') }),
  z.object({ event: z.literal('error'), message: Text }),
]);

/** One event the daemon reported (unknown fields dropped). */
export type DaemonEvent = z.output<typeof DaemonEventSchema>;

export type ParsedLine =
  { readonly ok: true; readonly event: DaemonEvent } | { readonly ok: false; readonly why: string };

export function parseDaemonLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  const parsed = DaemonEventSchema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, why: `${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}` };
}
