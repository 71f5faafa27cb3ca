// How the checkers service starts a module's program (a custom checker, an errd handler): execve
// (no shell) through util-linux's setpriv, which asks the kernel to kill the program if this
// service dies (PR_SET_PDEATHSIG), in a process group of its own so that what it starts can be
// ended with it; its output appended to a file of the module's, or discarded.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

export interface ProgramLaunch {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string | undefined;
}

/** A program leading its own process group. */
export interface GroupLeader {
  readonly child: ChildProcess;
  /** Signals the whole group, unless the leader is gone (its number may be anyone's by then). */
  signal(signal: NodeJS.Signals): void;
}

export function startGroupLeader(launch: ProgramLaunch): GroupLeader {
  const out = openLog(launch.logFile);
  const child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', launch.file, ...launch.args], {
    cwd: launch.cwd,
    env: launch.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  if (typeof out === 'number') closeSync(out);
  let over = false;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  child.once('error', () => (over = true));
  child.once('exit', () => {
    // What it started and left behind goes with it, now, while its group still holds the number.
    signalGroup('SIGKILL');
    over = true;
  });
  return { child, signal: (signal) => !over && signalGroup(signal) };
}

/** A log that cannot be opened does not keep the program from running. */
function openLog(file: string | undefined): number | 'ignore' {
  if (file === undefined) return 'ignore';
  try {
    return openSync(file, 'a');
  } catch {
    return 'ignore';
  }
}
