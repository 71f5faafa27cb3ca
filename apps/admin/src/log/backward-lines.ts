/** A line read from a file, with where its bytes start and how many there are (newline included). */
export interface PlacedLine {
  readonly text: string;
  readonly start: number;
  readonly bytes: number;
}

/** Reads `length` bytes at `position` (fewer only at the end of the file). */
export type ReadAt = (position: number, length: number) => Buffer;

const NEWLINE = 0x0a;

/**
 * The lines that end at or before byte `end`, newest first, reading `chunk` bytes at a time
 * from the end: a file of any size is never read whole. A last line without its newline (cut
 * by a crash) is yielded as it is.
 */
export function* linesBackward(read: ReadAt, end: number, chunk = 64 * 1024): Generator<PlacedLine> {
  // Bytes of the line being assembled, which starts before the chunks read so far.
  let tail: Buffer = Buffer.alloc(0);
  let tailEnd = end;
  let position = end;
  while (position > 0) {
    const from = Math.max(0, position - chunk);
    const buf = Buffer.concat([read(from, position - from), tail]);
    position = from;
    let cut = buf.length;
    // A newline starts the line after it; the one that ends the line being assembled (the
    // last byte of buf) is part of that line, so the scan begins before it.
    for (let i = buf.length - 2; i >= 0; i -= 1) {
      if (buf[i] !== NEWLINE) continue;
      const start = from + i + 1;
      yield placed(buf.subarray(i + 1, cut), start, tailEnd);
      cut = i + 1;
      tailEnd = start;
    }
    tail = buf.subarray(0, cut);
  }
  if (tailEnd > 0) yield placed(tail, 0, tailEnd);
}

function placed(bytes: Buffer, start: number, end: number): PlacedLine {
  const text = bytes.toString('utf8');
  return { text: text.endsWith('\n') ? text.slice(0, -1) : text, start, bytes: end - start };
}
