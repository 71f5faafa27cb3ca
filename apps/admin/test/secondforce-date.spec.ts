import { parseSecondforceDate } from '../src/modules/secondforce-date';

// SafeKit guide §5.7.5: YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]", YYYY-MM-DDThh:mm:ss[Z]; Z is UTC,
// else the node's local time.
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const sut = (text: string) => parseSecondforceDate(text, NOW);

test.each([
  ['2026-12-01Z', Date.UTC(2026, 11, 1)],
  ['2026-12-01 08:30:15Z', Date.UTC(2026, 11, 1, 8, 30, 15)],
  ['2026-12-01T08:30:15Z', Date.UTC(2026, 11, 1, 8, 30, 15)],
  ['2026-12-01', new Date(2026, 11, 1).getTime()],
  ['2026-12-01 08:30:15', new Date(2026, 11, 1, 8, 30, 15).getTime()],
  ['2026-12-01T08:30:15', new Date(2026, 11, 1, 8, 30, 15).getTime()],
  ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
])('%s is %d ms since the epoch', (text, ms) => {
  expect(sut(text)).toEqual({ ok: true, seconds: ms / 1000 });
});

test.each([
  ['yesterday', 'is not a date'],
  ['2026-12-1', 'is not a date'],
  ['2026-12-01 08:30', 'is not a date'],
  ['2026-12-01T08:30:15+01:00', 'is not a date'],
  [' 2026-12-01', 'is not a date'],
  ['2026-02-30', 'does not exist'],
  ['2026-13-01Z', 'does not exist'],
  ['2026-12-01T24:00:00Z', 'does not exist'],
  ['2026-12-01T23:60:00Z', 'does not exist'],
  ['2026-12-08Z', 'is in the future'],
])('%s is refused: %s, with the formats', (text, why) => {
  const r = sut(text);
  expect(r).toEqual({
    ok: false,
    message: `-d '${text}' ${why}: give a date as YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z] (Z: UTC, else local time)`,
  });
});
