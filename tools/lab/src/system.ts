// Thin, dependency-free wrappers over the system: running commands with a bound, reading /proc
// (processes, their namespaces, mount points). No lab policy lives here.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

export interface ExecResult {
  /** Exit code; 128 + signal number when the command was killed by a signal. */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the command was killed because it ran past its timeout. */
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly input?: string;
  /** Bound on the run; on expiry the command and its descendants get SIGKILL. Default 60 s. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export class LabCommandError extends Error {
  override readonly name = 'LabCommandError';
  constructor(
    readonly argv: readonly string[],
    readonly result: ExecResult,
  ) {
    super(
      `command failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}): ${argv.join(' ')}` +
        (result.stderr.trim() ? `\n${result.stderr.trim()}` : ''),
    );
  }
}

const MAX_OUTPUT = 16 * 1024 * 1024;

export function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? osConstants.signals[signal] : undefined;
  return n ? 128 + n : 1;
}

/** Runs a command to completion and captures its output; never rejects for a non-zero exit. */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        env: options.env ?? process.env,
        cwd: options.cwd ?? '/',
      });
    } catch (err) {
      resolve({ code: 127, signal: null, stdout: '', stderr: String(err), timedOut: false });
      return;
    }
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) into.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(errs));
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killTree(child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 60_000);
    let done = false;
    const finish = (result: ExecResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    child.once('error', (err) => {
      // Only a failure to start lands here without a following 'close' we can rely on.
      if (child.pid === undefined)
        finish({ code: 127, signal: null, stdout: '', stderr: String(err), timedOut });
    });
    child.once('close', (code, signal) => {
      finish({
        code: exitCode(code, signal),
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errs).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** Like run() but rejects with LabCommandError unless the command exits 0. */
export async function runChecked(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ExecResult> {
  const result = await run(cmd, args, options);
  if (result.code !== 0 || result.timedOut) throw new LabCommandError([cmd, ...args], result);
  return result;
}

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  /** One-letter state from /proc/<pid>/stat: R, S, D, T, Z, ... */
  readonly state: string;
  readonly comm: string;
}

/** Every process of the host's pid namespace (a snapshot; processes may vanish any time). */
export function listProcs(): ProcInfo[] {
  const procs: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = procInfo(Number(entry));
    if (info) procs.push(info);
  }
  return procs;
}

export function procInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may itself contain spaces or parentheses.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const rest = stat.slice(close + 2).split(' ');
  return { pid, comm: stat.slice(open + 1, close), state: rest[0] ?? '?', ppid: Number(rest[1]) };
}

/** Start time of a process (clock ticks since boot, /proc/<pid>/stat field 22): with the pid, an identity. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const info = procInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** The full command line, arguments joined by single spaces ('' for kernel threads and zombies). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0').join(' ');
  } catch {
    return '';
  }
}

export type NsType = 'net' | 'mnt' | 'uts' | 'pid';

/** Inode of a process's namespace, from the /proc/<pid>/ns/<type> link; undefined if gone. */
export function procNsInode(pid: number | 'self', type: NsType): number | undefined {
  try {
    const m = /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

let nsfsDev: number | undefined;

/** Inode of the namespace a file designates (an nsfs bind mount such as /run/netns/x), if it is one. */
export function fileNsInode(file: string): number | undefined {
  try {
    nsfsDev ??= statSync('/proc/self/ns/net').dev;
    const st = statSync(file);
    return st.dev === nsfsDev ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

/** Descendants of a process (children first), from one /proc snapshot. */
export function descendants(pid: number, procs: readonly ProcInfo[] = listProcs()): number[] {
  const byParent = new Map<number, number[]>();
  for (const p of procs) {
    const list = byParent.get(p.ppid) ?? [];
    list.push(p.pid);
    byParent.set(p.ppid, list);
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift() as number) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/** Sends a signal to a process and all its descendants; ignores processes already gone. */
export function killTree(pid: number, signal: NodeJS.Signals): void {
  for (const p of [pid, ...descendants(pid)]) signalPid(p, signal);
}

/** process.kill without throwing for a process that is already gone. */
export function signalPid(pid: number, signal: NodeJS.Signals | number): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Mount points of this process's mount namespace, in mount order. */
export function mountPoints(): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => unescapeMount(l.split(' ')[4] ?? ''));
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls a condition until it holds or the bound expires; returns whether it held. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Finds an executable on PATH (then in the given fallbacks). */
export function which(name: string, fallbacks: readonly string[] = []): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(':').filter(Boolean);
  for (const candidate of [...dirs.map((d) => `${d}/${name}`), ...fallbacks]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}
