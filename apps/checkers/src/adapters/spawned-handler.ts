// errd handlers as real processes, started like custom checkers (adapters/spawned-custom.ts):
// execve through util-linux's setpriv so that the kernel kills the handler if this service dies,
// in a process group of its own; past its time bound the whole group is killed. A handler that
// ends in time leaves what it started running (it may have restarted the application).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { ErrdHandlerPort, HandlerEnd, HandlerLaunch, RunningHandler } from '../ports/errd-handler.port';

const SETPRIV = '/usr/bin/setpriv';

export const spawnedHandler: ErrdHandlerPort = {
  run(launch: HandlerLaunch): RunningHandler {
    const out = openLog(launch.logFile);
    const child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', launch.file, ...launch.args], {
      cwd: launch.cwd,
      env: launch.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (typeof out === 'number') closeSync(out);
    let timedOut = false;
    const done = new Promise<HandlerEnd>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, launch.timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        resolve({ error: err.message });
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) resolve({ timedOut: true });
        else if (signal) resolve({ signal });
        else resolve({ code: code ?? 1 });
      });
    });
    return { done, kill: () => killGroup(child.pid) };
  },
};

/** Its output's file; a log that cannot be opened does not keep the handler from running. */
function openLog(file: string | undefined): number | 'ignore' {
  if (file === undefined) return 'ignore';
  try {
    return openSync(file, 'a');
  } catch {
    return 'ignore';
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}
