// errd handlers as real processes, started like custom checkers (group-process.ts); past its
// time bound the whole group is killed. A handler that ends in time leaves what it started
// running (it may have restarted the application).
import type { ErrdHandlerPort, HandlerEnd, HandlerLaunch, RunningHandler } from '../ports/errd-handler.port';
import { startGroupLeader } from './group-process';

export const spawnedHandler: ErrdHandlerPort = {
  run(launch: HandlerLaunch): RunningHandler {
    const { child, signal } = startGroupLeader(launch);
    let timedOut = false;
    const done = new Promise<HandlerEnd>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        signal('SIGKILL');
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
    return { done, kill: () => signal('SIGKILL') };
  },
};
