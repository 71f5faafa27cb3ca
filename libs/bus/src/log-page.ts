// The `log` module command, paged: every reply fits CommandResult.detail (65536 characters)
// whatever the size of the module log (docs/decisions/0011).
//   args: [-v] [-s <count>] [-b <cursor>]
//     -v        the verbose log (V lines too)
//     -s n      at most n entries (the reply may hold fewer: it is bounded in characters)
//     -b c      entries older than the cursor c of an earlier reply; the newest ones without it
//   detail: a LogPageReply as JSON.
import { z } from 'zod';

export const LogPageReplySchema = z.object({
  /** Module log lines, oldest first, as the file holds them. */
  lines: z.array(z.string()),
  /** The -b of the next (older) page; absent once the oldest kept line has been sent. */
  older: z.string().max(64).optional(),
});
export type LogPageReply = z.output<typeof LogPageReplySchema>;
