import { HandlerError } from '@keel/bus';
import { DEFAULT_LOG_COUNT, logPageReply, logPageRequest } from '../src/modules/log-command';

// The arguments of the `log` module command and its reply.
test('arguments: verbose, count, cursor; the last 300 by default', () => {
  expect(logPageRequest([])).toEqual({ verbose: false, count: DEFAULT_LOG_COUNT });
  expect(logPageRequest(['-v', '-s', '20', '-b', '3:4096'])).toEqual({
    verbose: true,
    count: 20,
    before: { seq: 3, offset: 4096 },
  });
});

test.each([
  [['-s', '0'], /^log -s: expected a number of entries, at least 1 \(got 0\)/],
  [['-s'], /^log -s: .*\(got nothing\)/],
  [['-b', 'end'], /^log -b: expected a cursor <seq>:<offset> \(got end\)/],
  [['-x'], /^log: unexpected argument -x/],
])('%j is refused', (args, message) => {
  expect(() => logPageRequest(args)).toThrow(HandlerError);
  expect(() => logPageRequest(args)).toThrow(message);
});

test('the reply carries the lines as the file holds them and the cursor of the next page', () => {
  const at = new Date('2026-01-02T03:04:05.006Z');
  expect(
    logPageReply({ entries: [{ at, level: 'E', text: 'boom' }], older: { seq: 2, offset: 10 } }),
  ).toEqual({
    lines: ['2026-01-02 03:04:05.006 E boom'],
    older: '2:10',
  });
  expect(logPageReply({ entries: [] })).toEqual({ lines: [] });
});
