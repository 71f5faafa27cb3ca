import { diffText, duration, verifyText } from '../src/modules/rfs-query-text';

// How rfsdiff's and rfsverify's answers read (guide §9.10: files, size to copy, duration).
test('rfsdiff: files, size to copy in the mode the reintegration would take, and the duration', () => {
  expect(
    diffText({
      ok: true,
      mode: 'zones',
      files: 3,
      bytes: 3 << 20,
      rateBps: 1 << 20,
      seconds: 3,
      partial: false,
    }),
  ).toBe(
    [
      'Modified files: 3',
      'Size to copy: 3.0 MB (3145728 bytes; the zones changed since the last synchronisation)',
      'Estimated synchronisation duration: 3 s at 1.0 MB/s',
    ].join('\n'),
  );
  expect(diffText({ ok: true, mode: 'full', files: 1, bytes: 10, partial: true })).toContain(
    'Estimated synchronisation duration: unknown',
  );
  expect(diffText({ ok: true, mode: 'full', files: 1, bytes: 10, partial: true })).toContain(
    'more may have to be copied',
  );
});

test('durations in seconds, minutes or hours', () => {
  expect([duration(59), duration(125), duration(3 * 3600 + 120)]).toEqual(['59 s', '2 min 5 s', '3 h 2 min']);
});

test('rfsverify lists what fits one answer and counts the rest', () => {
  const long = 'x'.repeat(4000);
  const differences = Array.from({ length: 30 }, (_, i) => ({
    dir: 0,
    path: `${long}${i}`,
    kind: 'file',
    differs: ['content'],
  }));
  const text = verifyText({ ok: true, files: 100, differ: 30, differences }, ['/srv/data']);
  expect(text.length).toBeLessThan(65_536);
  const listed = text.split('\n').filter((l) => l.startsWith('Differs:')).length;
  expect(text).toContain(`... and ${30 - listed} more entries that differ`);
  expect(text.endsWith('Verification ended: 100 entries compared, 30 differ')).toBe(true);
});
