import { overlapping, stretches } from './arbiter-samples';

// The randomized run's judgement of "two nodes accepting writes at one sampled instant".
it('joins successes of one node that follow each other into one stretch, and splits at a silence', () => {
  expect(stretches([1_000, 1_020, 1_040, 5_000]).spans).toEqual([
    [990, 1_050],
    [4_990, 5_010],
  ]);
});

it('finds no overlap when one node stops accepting before the other starts', () => {
  const node1 = stretches([1_000, 1_020, 1_040]);
  const node2 = stretches([1_600, 1_620]);
  expect(overlapping(node1, node2)).toEqual([]);
});

it('finds two nodes accepting within one probe period of each other', () => {
  const node1 = stretches([1_000, 1_020, 1_040]);
  expect(overlapping(node1, stretches([1_045]))).toEqual([[1_035, 1_050]]);
  // A node that thawed and wrote once while the other had taken over.
  expect(overlapping(stretches([9_000]), stretches([8_000, 8_020, 9_005, 9_030]))).toEqual([[8_995, 9_010]]);
});
