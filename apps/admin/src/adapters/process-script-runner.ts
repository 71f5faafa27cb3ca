import { spawn } from 'node:child_process';
import { constants, accessSync, existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ScriptResult, ScriptRun, ScriptRunner } from '../ports/script-runner.port';

/**
 * util-linux's, by its absolute path: never looked up in the script's PATH, which the module's
 * configuration sets (`<var name="PATH">`) and which must not choose what admin runs as root.
 */
const NSENTER = '/usr/bin/nsenter';
/** `sh -c` body: $0 is the directory, "$@" the script and its arguments. */
const CD_EXEC = 'cd -- "$0" && exec "$@"';

/**
 * Runs a module script as a process in its own process group, so a timeout kills the script and
 * everything it started, inside its module's fence (nsenter into the PID and mount namespaces of
 * the fence's first process; nsenter waits for the script and exits with its status). A missing
 * script is skipped (reference §6.1: only existing scripts run).
 */
export class ProcessScriptRunner implements ScriptRunner {
  run(run: ScriptRun, bin: string): Promise<ScriptResult> {
    const file = join(bin, run.name);
    if (!existsSync(file)) return Promise.resolve({ code: 0, missing: true, timedOut: false });
    try {
      accessSync(file, constants.X_OK);
    } catch {
      return Promise.resolve({ code: 126, missing: false, timedOut: false });
    }
    // 0600, no link followed: a script prints what it likes (a password among it), and the web
    // service gives these logs to Control only (docs/decisions/0021 "Script logs").
    const out =
      run.userlog === undefined
        ? 'ignore'
        : openSync(
            run.userlog,
            constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
            0o600,
          );
    return new Promise((resolve) => {
      // The working directory is taken inside (nsenter's --wd opens it before entering, in the
      // node's mount namespace, and the application would inherit that).
      const inside = ['--target', String(run.fence), '--pid', '--mount', '--', '/bin/sh', '-c', CD_EXEC];
      const child = spawn(NSENTER, [...inside, bin, file, ...run.args], {
        cwd: bin,
        env: run.env,
        detached: true,
        stdio: ['ignore', out, out],
      });
      if (typeof out === 'number') closeSync(out);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, run.timeoutMs);
      child.on('error', () => {
        clearTimeout(timer);
        resolve({ code: 126, missing: false, timedOut: false });
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        // A script's helpers must not outlive it once it timed out; a normal exit leaves them be
        // (start scripts launch the application in the background).
        resolve({ code: timedOut ? 124 : (code ?? (signal ? 128 : 1)), missing: false, timedOut });
      });
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
