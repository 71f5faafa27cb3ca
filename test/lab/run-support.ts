// What the randomized lab runs share (fault-run.ts, arbiter-run.ts): bounded waits and a seeded
// random, so that a run's choices replay from its seed.

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `ok` holds, polling every 100 ms; fails naming `what` after `ms`. */
export async function until(ok: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  for (const limit = Date.now() + ms; !(await ok()); await sleep(100))
    if (Date.now() > limit) throw new Error(`timed out waiting until ${what}`);
}

/** mulberry32: numbers in [0, 1) that replay from the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
