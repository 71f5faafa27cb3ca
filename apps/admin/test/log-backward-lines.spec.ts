import { linesBackward, ReadAt } from '../src/log/backward-lines';

// Reading a file's lines from its end, a chunk at a time, gives the lines a forward split gives,
// newest first, with where each starts: whatever the chunk size.
const reader =
  (text: string): ReadAt =>
  (position, length) =>
    Buffer.from(text).subarray(position, position + length);

const forward = (text: string) => {
  const out: { text: string; start: number; bytes: number }[] = [];
  let start = 0;
  for (const part of text.split(/(?<=\n)/)) {
    if (part === '') continue;
    out.push({ text: part.replace(/\n$/, ''), start, bytes: Buffer.byteLength(part) });
    start += Buffer.byteLength(part);
  }
  return out.reverse();
};

test.each([1, 2, 3, 7, 64, 4096])('chunks of %i bytes: every line once, newest first', (chunk) => {
  const text = 'first line\n\nthird é line\nx\nlast line without newline';
  expect([...linesBackward(reader(text), Buffer.byteLength(text), chunk)]).toEqual(forward(text));
  const ended = `${text}\n`;
  expect([...linesBackward(reader(ended), Buffer.byteLength(ended), chunk)]).toEqual(forward(ended));
});

test('an end inside the file reads only what is before it; an empty file has no line', () => {
  const text = 'a\nbb\nccc\n';
  expect([...linesBackward(reader(text), 5, 2)].map((l) => l.text)).toEqual(['bb', 'a']);
  expect([...linesBackward(reader(''), 0)]).toEqual([]);
});
