// The bench's report (pure): medians, ratios and the bars of P1/P2, said plainly when missed.
import { mirrorFailoverReport } from '../tools/bench/src/report';
import { summarize } from '../tools/bench/src/stats';

test('median of an odd and an even count, with the spread', () => {
  expect(summarize([30, 10, 20])).toEqual({ runs: 3, median: 20, min: 10, max: 30 });
  expect(summarize([40, 10, 20, 30])).toEqual({ runs: 4, median: 25, min: 10, max: 40 });
  expect(() => summarize([])).toThrow('no measurement');
});

test('each case gets keel, the anchor, the ratio and its bar; a missed bar is said', () => {
  const m = (outageMs: number, twoHolders = false) => ({ outageMs, twoHolders });
  const { json, markdown } = mirrorFailoverReport({
    date: '2026-12-07T00:00:00.000Z',
    runs: 3,
    pulseMs: 100,
    timeoutMs: 361,
    appStartMs: 80,
    keepalivedVersion: '1:2.2.7-1+b2',
    keel: { 'links-down': [m(400), m(420), m(380)], 'clean-stop': [m(250), m(260), m(240)] },
    anchor: { 'links-down': [m(420), m(430), m(410)], 'clean-stop': [m(30), m(40), m(35, true)] },
  });
  const cases = (
    json as { cases: { case: string; ratio: number; met: boolean; keepalivedTwoHolders: number }[] }
  ).cases;
  expect(cases.map((c) => [c.case, c.ratio, c.met, c.keepalivedTwoHolders])).toEqual([
    ['links-down', 0.95, true, 0],
    // 250 > 100 + 80: missed, and the ratio says by how much it trails keepalived.
    ['clean-stop', 7.14, false, 1],
  ]);
  expect(markdown).toContain(
    '| P1: every link of the primary down | 400 (380–420) | 420 (410–430) | 0.95 | 0/3 | 0/3 |',
  );
  expect(markdown).toContain('keel is behind where the table says **missed**: P2: clean stop of the primary');
});
