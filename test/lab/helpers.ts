// Shared by the lab specs: root gate and a lab per spec file that is always removed.
import { Lab, type LabSpec } from '../../tools/lab/src';
import { cleanupCrashedRuns } from './lab-names';

export { cleanupCrashedRuns, labName } from './lab-names';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// Also when these specs run under a configuration other than test/lab/jest.config.js.
jest.setTimeout(60_000);

/** describe() as root; describe.skip() otherwise (namespaces need root). */
export const describeLab: jest.Describe = isRoot ? describe : describe.skip;
if (!isRoot) {
  console.warn('lab specs skipped: they need root (network, mount and PID namespaces)');
}

/**
 * Builds the lab in beforeAll and removes it in afterAll, also when a test or the creation
 * failed (destroy by name works without the Lab object). Returns a getter.
 */
export function useLab(spec: LabSpec): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    await cleanupCrashedRuns();
    lab = await Lab.create(spec);
  });
  afterAll(async () => {
    try {
      await lab?.destroy();
    } finally {
      await Lab.destroyByName(spec.name);
    }
  });
  return () => {
    if (!lab) throw new Error(`lab '${spec.name}' was not created`);
    return lab;
  };
}
