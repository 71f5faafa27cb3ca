// What the randomized lab runs share (fault-run.ts, arbiter-run.ts): bounded waits and a seeded
// random, so that a run's choices replay from its seed.

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `ok` holds, polling every 100 ms; fails naming `what` after `ms`. */
export async function until(ok: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  for (const limit = Date.now() + ms; !(await ok()); await sleep(100))
    if (Date.now() > limit) throw new Error(`timed out waiting until ${what}`);
}

export { seededRandom } from '@keel/testing';
