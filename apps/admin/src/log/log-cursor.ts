import type { LogCursor } from '../ports/module-log.port';

/** A cursor as the CLI carries it: `<seq>:<offset>`. */
export const encodeCursor = (c: LogCursor) => `${c.seq}:${c.offset}`;

/** The cursor a string holds, or undefined when it holds none. */
export function decodeCursor(text: string): LogCursor | undefined {
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(text);
  if (!m) return undefined;
  const seq = Number(m[1]);
  return seq < 1 ? undefined : { seq, offset: Number(m[2]) };
}
