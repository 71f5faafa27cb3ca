// The files of one module log: the current file `module.log` and the rotated ones
// `module.log.<seq>`, numbered in the order they were rotated (1 the oldest ever). The current
// file is number max(seq) + 1: rotating it is one rename that keeps its number.

/** The sequence numbers of the rotated files among a directory's names, ascending. */
export function rotatedSeqs(base: string, names: readonly string[]): number[] {
  const prefix = `${base}.`;
  return names
    .filter((n) => n.startsWith(prefix) && /^[1-9]\d*$/.test(n.slice(prefix.length)))
    .map((n) => Number(n.slice(prefix.length)))
    .filter(Number.isSafeInteger)
    .sort((a, b) => a - b);
}

/** The number of the current file, given the rotated ones (ascending). */
export const currentSeq = (rotated: readonly number[]) => (rotated.at(-1) ?? 0) + 1;

export const rotatedName = (base: string, seq: number) => `${base}.${seq}`;

/** Whether `lineBytes` more would take the current file past `maxBytes` (an empty file takes any line). */
export const mustRotate = (size: number, lineBytes: number, maxBytes: number) =>
  size > 0 && size + lineBytes > maxBytes;

/** The rotated files beyond the newest `keep`, to delete. */
export const beyondKept = (rotated: readonly number[], keep: number) =>
  rotated.slice(0, Math.max(0, rotated.length - keep));

/** The files to read for lines before `before` (all when absent), newest first, each with where to stop. */
export function filesBefore(
  rotated: readonly number[],
  before: { readonly seq: number; readonly offset: number } | undefined,
): { readonly seq: number; readonly end: number | 'size' }[] {
  const current = currentSeq(rotated);
  const all = [...rotated, current].filter((s) => before === undefined || s <= before.seq).reverse();
  return all.map((seq) => ({
    seq,
    end: before !== undefined && seq === before.seq ? before.offset : 'size',
  }));
}
