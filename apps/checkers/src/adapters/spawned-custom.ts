// Custom checker programs as real processes: execve (no shell) through util-linux's setpriv,
// which asks the kernel to kill the program if this service dies (PR_SET_PDEATHSIG), in a process
// group of its own so that stopping it also stops what it started.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { CustomLaunch, CustomProcess, CustomProcessPort } from '../ports/custom-process.port';

const SETPRIV = '/usr/bin/setpriv';
/** How long a stopped checker has to exit on SIGTERM before its group is killed. */
const GRACE_MS = 2_000;

export const spawnedCustom: CustomProcessPort = {
  start(launch: CustomLaunch, exited: (how: string) => void): CustomProcess {
    const out = launch.logFile === undefined ? 'ignore' : openSync(launch.logFile, 'a');
    const child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', launch.file, ...launch.args], {
      cwd: launch.cwd,
      env: launch.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (typeof out === 'number') closeSync(out);
    let stopping = false;
    // Once the program is gone its group is signalled no more: its number may be anyone's by then.
    let over = false;
    const gone = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        over = true;
        if (!stopping) exited(`cannot start: ${err.message}`);
        resolve();
      });
      child.once('exit', (code, signal) => {
        // What it started and left behind goes with it, now, while its group still holds the number.
        signalGroup(child.pid, 'SIGKILL');
        over = true;
        if (!stopping) exited(signal ? `killed by ${signal}` : `exited with code ${code}`);
        resolve();
      });
    });
    return {
      async stop() {
        stopping = true;
        if (over) return;
        signalGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => !over && signalGroup(child.pid, 'SIGKILL'), GRACE_MS);
        await gone;
        clearTimeout(timer);
      },
    };
  },
};

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
