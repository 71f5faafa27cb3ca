// Custom checker programs as real processes (group-process.ts): stopping one ends its whole
// group, SIGTERM first and SIGKILL after a grace.
import type { CustomLaunch, CustomProcess, CustomProcessPort } from '../ports/custom-process.port';
import { startGroupLeader } from './group-process';

/** How long a stopped checker has to exit on SIGTERM before its group is killed. */
const GRACE_MS = 2_000;

export const spawnedCustom: CustomProcessPort = {
  start(launch: CustomLaunch, exited: (how: string) => void): CustomProcess {
    const { child, signal } = startGroupLeader(launch);
    let stopping = false;
    const gone = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        if (!stopping) exited(`cannot start: ${err.message}`);
        resolve();
      });
      child.once('exit', (code, sig) => {
        if (!stopping) exited(sig ? `killed by ${sig}` : `exited with code ${code}`);
        resolve();
      });
    });
    return {
      async stop() {
        stopping = true;
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), GRACE_MS);
        await gone;
        clearTimeout(timer);
      },
    };
  },
};
