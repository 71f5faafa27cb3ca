// The end of a file keel reads for someone else (a script log for the web service, a log for a
// dump): opened without following a link, judged a regular file on that descriptor (so a file
// swapped in after a listing is not the one read, and a fifo never blocks), its last bytes.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export interface FileTail {
  readonly data: Buffer;
  /** The file's whole size. */
  readonly size: number;
  /** Whether the file holds more than `data`. */
  readonly truncated: boolean;
}

/** The last `maxBytes` of `file`, or undefined when it is absent, a link or not a regular file. */
export function readFileTail(file: string, maxBytes: number): FileTail | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const length = Math.min(st.size, maxBytes);
    const data = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, data, got, length - got, st.size - length + got);
      if (n === 0) break;
      got += n;
    }
    return { data: data.subarray(0, got), size: st.size, truncated: st.size > length };
  } finally {
    closeSync(fd);
  }
}
