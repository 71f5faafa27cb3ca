import { ownPidNamespace } from '@keel/runtime';
import type { ProcessWatch } from '../ports/process-watch.port';

/** Signal 0: no signal is sent, the kernel only says whether the pid exists (EPERM: it does). */
export const systemProcessWatch: ProcessWatch = {
  alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  pidNamespace: ownPidNamespace,
};
