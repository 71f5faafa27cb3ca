// fast-check generators shared by the property specs.
import fc from 'fast-check';
import type { FarmNode } from '../../src';

/** Powers clustered at 0, small values, near 1000 and multiples of 64, so the 64x rule bites often. */
export const widePower: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 950, max: 1000 }),
  fc.constant(0),
  fc.integer({ min: 1, max: 15 }).map((p) => p * 64),
);

/** Powers never 64x apart and never 0: joins and leaves cannot change who is eligible. */
export const narrowPower: fc.Arbitrary<number> = fc.integer({ min: 16, max: 1000 });

/** Node sets with unique ASCII ids, in arbitrary order. */
export function nodeSet(power: fc.Arbitrary<number>, maxLength: number): fc.Arbitrary<FarmNode[]> {
  return fc.uniqueArray(fc.record({ id: fc.stringMatching(/^[a-f][0-9]{0,2}$/), power }), {
    selector: (n) => n.id,
    maxLength,
  });
}

export type Step = { kind: 'join'; power: number } | { kind: 'leave'; pick: number };

export function steps(power: fc.Arbitrary<number>): fc.Arbitrary<Step[]> {
  return fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('join' as const), power }),
      fc.record({ kind: fc.constant('leave' as const), pick: fc.nat() }),
    ),
    { minLength: 1, maxLength: 20 },
  );
}
