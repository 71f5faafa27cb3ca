// Property: replaying random join/leave sequences, a leave moves only the leaver's buckets and a
// join moves buckets only to the joiner, whenever the set of eligible survivors is unchanged.
// This is what lets a farm lose or gain a node without resetting unrelated client sessions.
import fc from 'fast-check';
import { allocateBuckets, BUCKET_COUNT, type BucketOwners, type FarmNode } from '../src';
import { narrowPower, nodeSet, steps, widePower, type Step } from './support/arbitraries';
import { eligibleIds } from './support/oracle';

interface Outcome {
  /** Whether the eligible set stayed as the guarantee requires (survivors unchanged). */
  guaranteed: boolean;
  /** Buckets whose owner changed in a way the guarantee forbids. */
  violations: number[];
}

/** The node set after `step`, and the id of the node that joined or left. */
function applyStep(
  nodes: FarmNode[],
  step: Step,
  i: number,
): { next: FarmNode[]; id: string; joined: boolean } {
  if (step.kind === 'join') {
    const id = `join${i}`;
    return { next: [...nodes, { id, power: step.power }], id, joined: true };
  }
  const gone = nodes[step.pick % nodes.length];
  return { next: nodes.filter((n) => n !== gone), id: gone.id, joined: false };
}

function judge(
  before: FarmNode[],
  after: FarmNode[],
  prev: BucketOwners,
  next: BucketOwners,
  id: string,
  joined: boolean,
): Outcome {
  const was = eligibleIds(before);
  const now = eligibleIds(after);
  const guaranteed = joined
    ? [...was].every((e) => now.has(e))
    : [...was].filter((e) => e !== id).every((e) => now.has(e)) && [...now].every((e) => was.has(e));
  const violations: number[] = [];
  for (let b = 0; b < BUCKET_COUNT; b++) {
    if (prev[b] === next[b]) continue;
    if (joined ? next[b] !== id : prev[b] !== id) violations.push(b);
  }
  return { guaranteed, violations };
}

function replay(initial: FarmNode[], plan: Step[], eligibilityFixed: boolean): void {
  let nodes = initial;
  let owners = allocateBuckets(nodes);
  plan.forEach((step, i) => {
    if (step.kind === 'leave' && nodes.length === 0) return;
    const { next, id, joined } = applyStep(nodes, step, i);
    const nextOwners = allocateBuckets(next, owners);
    const { guaranteed, violations } = judge(nodes, next, owners, nextOwners, id, joined);
    if (eligibilityFixed) expect(guaranteed).toBe(true);
    if (guaranteed) expect(violations).toEqual([]);
    nodes = next;
    owners = nextOwners;
  });
}

describe('allocateBuckets stability under join/leave', () => {
  it("moves only the changed node's buckets when powers are never 64x apart", () => {
    fc.assert(
      fc.property(nodeSet(narrowPower, 8), steps(narrowPower), (initial, plan) =>
        replay(initial, plan, true),
      ),
    );
  });

  it('keeps that guarantee with big power spreads whenever eligibility of survivors is unchanged', () => {
    fc.assert(
      fc.property(nodeSet(widePower, 8), steps(widePower), (initial, plan) => replay(initial, plan, false)),
    );
  });
});
