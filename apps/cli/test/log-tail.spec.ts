import { CommandFailed } from '../src/admin-client';
import { FetchLogPage, parseLogPage, tailLog } from '../src/commands/log-tail';

// `keel log` asks for the last lines page by page, each reply bounded by the admin service.
const LOG = Array.from({ length: 25 }, (_, n) => `line ${n}`);

/** A fake admin that answers at most `per` lines a page, cursors being indexes into LOG. */
function admin(per: number): { fetch: FetchLogPage; asked: (string | undefined)[] } {
  const asked: (string | undefined)[] = [];
  const fetch: FetchLogPage = async (older, count) => {
    asked.push(older);
    const end = older === undefined ? LOG.length : Number(older);
    const start = Math.max(0, end - Math.min(count, per));
    return { lines: LOG.slice(start, end), ...(start > 0 ? { older: String(start) } : {}) };
  };
  return { fetch, asked };
}

test('the last lines, oldest first, from as many pages as they need', async () => {
  const a = admin(4);
  expect(await tailLog(a.fetch, 10)).toEqual(LOG.slice(15));
  expect(a.asked).toEqual([undefined, '21', '17']);
});

test('a count beyond the log gives the whole log and stops at the oldest page', async () => {
  const a = admin(7);
  expect(await tailLog(a.fetch, 1000)).toEqual(LOG);
  expect(a.asked).toEqual([undefined, '18', '11', '4']);
});

test('a reply that is not a page, or a cursor that does not move, fails naming why', async () => {
  expect(() => parseLogPage('2026-01-01 00:00:00.000 I old text reply')).toThrow(
    /log reply is not JSON: 2026-01-01/,
  );
  expect(() => parseLogPage('{"lines":"x"}')).toThrow(CommandFailed);
  const stuck: FetchLogPage = async () => ({ lines: [], older: '3:0' });
  await expect(tailLog(stuck, 5)).rejects.toThrow(/did not move back from 3:0/);
});
