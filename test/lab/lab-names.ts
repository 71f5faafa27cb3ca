// Lab names of the suite and the cleanup of crashed runs: no jest here, so the bench builds its
// clusters the same way (tools/bench).
import { Lab } from '../../tools/lab/src';

/**
 * A lab name unique to this run: `t<scenario><4 random base-36 chars>`. Two runs of the suite
 * (two engineers, or the root and the lab jest configs) must never share a lab.
 */
export function labName(scenario: string): string {
  return `t${scenario}${Math.random().toString(36).slice(2, 6).padEnd(4, '0')}`;
}

/** Removes the labs of crashed earlier runs of the suite (never a lab whose owner is alive). */
export async function cleanupCrashedRuns(): Promise<void> {
  await Lab.cleanupLeftovers('kl-t', { orphansOnly: true });
}
