import { LogPageReplySchema, type LogPageReply } from '@keel/bus';
import { CommandFailed } from '../admin-client';

/** Asks admin for one page of the log: `count` entries at most, before `older` (the newest without it). */
export type FetchLogPage = (older: string | undefined, count: number) => Promise<LogPageReply>;

/** The page a `log` reply's detail holds; an answer that is not one names what is wrong. */
export function parseLogPage(detail: string): LogPageReply {
  let json: unknown;
  try {
    json = JSON.parse(detail);
  } catch {
    throw new CommandFailed(`the admin service's log reply is not JSON: ${detail.slice(0, 80)}`, 'refused');
  }
  const r = LogPageReplySchema.safeParse(json);
  if (!r.success)
    throw new CommandFailed(`the admin service's log reply is not a log page: ${r.error.message}`, 'refused');
  return r.data;
}

/**
 * The last `count` lines of the module log, oldest first, asked page by page: every reply is
 * bounded, so a log of any size is read in as many replies as the lines asked for need.
 */
export async function tailLog(fetch: FetchLogPage, count: number): Promise<string[]> {
  const pages: (readonly string[])[] = [];
  let got = 0;
  let older: string | undefined;
  while (got < count) {
    const page = await fetch(older, count - got);
    const lines = page.lines.slice(Math.max(0, page.lines.length - (count - got)));
    pages.push(lines);
    got += lines.length;
    if (page.older === undefined) break;
    if (page.older === older)
      throw new CommandFailed(`the admin service's log did not move back from ${older}`, 'refused');
    older = page.older;
  }
  return pages.reverse().flat();
}
