import { beyondKept, currentSeq, filesBefore, mustRotate, rotatedSeqs } from '../src/log/log-files';

// The names and numbers of a module log's files, and which of them a page reads.
test('rotated files are module.log.<n>; the current file is the next number', () => {
  const names = [
    'module.log',
    'module.log.3',
    'module.log.10',
    'module.log.tmp',
    'module.log.0',
    'state.json',
  ];
  expect(rotatedSeqs('module.log', names)).toEqual([3, 10]);
  expect(currentSeq([3, 10])).toBe(11);
  expect(currentSeq([])).toBe(1);
});

test('a line that would pass the size rotates first; an empty file takes any line', () => {
  expect(mustRotate(90, 10, 100)).toBe(false);
  expect(mustRotate(91, 10, 100)).toBe(true);
  expect(mustRotate(0, 500, 100)).toBe(false);
});

test('the oldest rotated files beyond those kept are deleted', () => {
  expect(beyondKept([1, 2, 3, 4, 5], 3)).toEqual([1, 2]);
  expect(beyondKept([4, 5], 3)).toEqual([]);
});

test('a page reads the files newest first, from its cursor', () => {
  expect(filesBefore([2, 3], undefined)).toEqual([
    { seq: 4, end: 'size' },
    { seq: 3, end: 'size' },
    { seq: 2, end: 'size' },
  ]);
  expect(filesBefore([2, 3], { seq: 3, offset: 120 })).toEqual([
    { seq: 3, end: 120 },
    { seq: 2, end: 'size' },
  ]);
  // The current file rotated after the cursor was given: the cursor's file is now rotated.
  expect(filesBefore([2, 3, 4], { seq: 4, offset: 7 })).toEqual([
    { seq: 4, end: 7 },
    { seq: 3, end: 'size' },
    { seq: 2, end: 'size' },
  ]);
});
