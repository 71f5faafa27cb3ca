import { SourcedLine, takePage } from '../src/log/log-page';

// A page of the module log: the newest entries asked for, bounded in characters and in bytes
// read, and where the next (older) page starts.
const line = (seq: number, start: number, text: string): SourcedLine => ({
  seq,
  start,
  bytes: Buffer.byteLength(text) + 1,
  text,
});
const entry = (n: number, level = 'I') =>
  `2026-01-02 03:04:05.${String(n % 1000).padStart(3, '0')} ${level} entry ${n}`;

/** Lines of one file, newest first, as linesBackward reads them. */
function file(seq: number, texts: string[]): SourcedLine[] {
  let start = 0;
  const placed = texts.map((t) => {
    const l = line(seq, start, t);
    start += l.bytes;
    return l;
  });
  return placed.reverse();
}

const texts = (page: ReturnType<typeof takePage>) => page.entries.map((e) => `${e.level} ${e.text}`);
const big = { maxChars: 1_000_000, maxScanBytes: 1_000_000 };

test('the newest count entries, oldest first; the next page starts at the oldest taken', () => {
  const lines = file(3, [entry(1), entry(2), entry(3), entry(4)]);
  const page = takePage(lines, { verbose: false, count: 2 }, big);
  expect(texts(page)).toEqual(['I entry 3', 'I entry 4']);
  expect(page.older).toEqual({ seq: 3, offset: lines[1].start });
});

test('the normal log skips V entries and lines that are not entries; the verbose log keeps V', () => {
  const lines = file(1, [entry(1), entry(2, 'V'), 'cut by a cra', entry(3, 'E'), entry(4, 'V')]);
  expect(texts(takePage(lines, { verbose: false, count: 10 }, big))).toEqual(['I entry 1', 'E entry 3']);
  expect(texts(takePage(lines, { verbose: true, count: 10 }, big))).toEqual([
    'I entry 1',
    'V entry 2',
    'E entry 3',
    'V entry 4',
  ]);
});

test('nothing older remains: no cursor, even when the count is reached on the oldest entry', () => {
  const lines = file(1, [entry(1), entry(2)]);
  expect(takePage(lines, { verbose: false, count: 2 }, big).older).toBeUndefined();
  expect(takePage(lines, { verbose: false, count: 5 }, big).older).toBeUndefined();
});

test('a page full in characters stops before the entry that does not fit, which starts the next page', () => {
  const lines = file(2, [entry(1), entry(2), entry(3)]);
  const one = JSON.stringify(entry(3)).length + 1;
  const page = takePage(lines, { verbose: false, count: 10 }, { maxChars: 2 + 2 * one, maxScanBytes: 1e6 });
  expect(texts(page)).toEqual(['I entry 2', 'I entry 3']);
  // The next page reads the lines that end where entry 1 ends.
  expect(page.older).toEqual({ seq: 2, offset: lines[2].start + lines[2].bytes });
});

test('a page that read its bytes stops and says where to go on, across files', () => {
  const lines = [...file(5, [entry(5, 'V'), entry(6, 'V')]), ...file(4, [entry(3), entry(4, 'V')])];
  const page = takePage(
    lines,
    { verbose: false, count: 10 },
    { maxChars: 1e6, maxScanBytes: lines[0].bytes * 3 },
  );
  expect(page.entries).toEqual([]);
  expect(page.older).toEqual({ seq: 4, offset: lines[2].start });
  expect(texts(takePage(lines.slice(3), { verbose: false, count: 10 }, big))).toEqual(['I entry 3']);
});

test('an entry alone longer than a page keeps the start of its text, marked as cut', () => {
  const long = `2026-01-02 03:04:05.000 E ${'x'.repeat(5000)}`;
  const page = takePage(file(1, [long]), { verbose: false, count: 1 }, { maxChars: 1000, maxScanBytes: 1e6 });
  expect(page.entries).toHaveLength(1);
  expect(page.entries[0].text).toMatch(/^x+…$/);
  expect(JSON.stringify([`2026-01-02 03:04:05.000 E ${page.entries[0].text}`]).length).toBeLessThanOrEqual(
    1000,
  );
});
