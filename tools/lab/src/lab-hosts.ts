// The hosts of a lab as places to run things: each one's init (pid 1 of its own PID namespace,
// started on demand, again after a crash), the way into its namespaces, and its processes.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { HostPlan } from './plan';
import { IDLE_NAME, INIT_ARGS, INIT_SCRIPT } from './lab-scripts';
import type { LabTopology } from './lab-topology';
import { LabError } from './lab-types';
import {
  cmdline,
  fileNsInode,
  isAlive,
  listProcs,
  procNsInode,
  runChecked,
  signalPid,
  waitFor,
  type ExecResult,
  type ProcInfo,
} from './system';
import { NETNS_DIR } from './teardown';

export interface InitInfo {
  /** Host pid of pid 1 of the host's PID namespace. */
  pid: number;
  /** Inode of that PID namespace (guards against pid reuse). */
  pidNs: number;
}

export interface LabHostsOptions {
  /** The lab dies with this process: each init gets a parent-death signal. */
  readonly owned: boolean;
  readonly destroyed: () => boolean;
  /** The inits changed: write the lab's state file. */
  readonly save: () => void;
}

export class LabHosts {
  private readonly starting = new Map<string, Promise<number>>();

  constructor(
    private readonly topology: LabTopology,
    /** Per host, its running init (kept in the lab's state file). */
    readonly inits: Record<string, InitInfo>,
    private readonly options: LabHostsOptions,
  ) {}

  /** The host's init, if it is still the one recorded (same pid, same namespaces). */
  aliveInit(host: string): InitInfo | undefined {
    const init = this.inits[host];
    return init && this.initAlive(this.topology.host(host), init) ? init : undefined;
  }

  /** Host pids of the processes inside a host (its init and idle child excluded), optionally filtered. */
  pids(host: string, pattern?: string | RegExp): number[] {
    const h = this.topology.host(host);
    const net = fileNsInode(join(NETNS_DIR, h.netns));
    if (net === undefined) return [];
    const init = this.inits[host];
    const initAlive = init !== undefined && this.initAlive(h, init);
    const re =
      pattern === undefined ? undefined : typeof pattern === 'string' ? new RegExp(pattern) : pattern;
    const result: number[] = [];
    for (const p of listProcs()) {
      if (p.pid === process.pid || p.state === 'Z' || p.state === 'X') continue;
      if (procNsInode(p.pid, 'net') !== net) continue;
      const inPidNs = initAlive && procNsInode(p.pid, 'pid') === init.pidNs;
      if (!inPidNs && isWrapper(p)) continue; // nsenter/unshare helpers in the host's pid namespace
      if (initAlive && p.pid === init.pid) continue;
      const line = cmdline(p.pid);
      if (line.startsWith(IDLE_NAME)) continue;
      if (re && !re.test(line)) continue;
      result.push(p.pid);
    }
    return result;
  }

  nsArgs(h: HostPlan): string[] {
    return [`--net=${join(NETNS_DIR, h.netns)}`, `--mount=${h.mntFile}`, `--uts=${h.utsFile}`];
  }

  /** Runs a helper in a host's net, mount and UTS namespaces (not its PID namespace); must succeed. */
  nsRun(h: HostPlan, argv: readonly string[], options: { input?: string } = {}): Promise<ExecResult> {
    return runChecked('nsenter', [...this.nsArgs(h), '--', ...argv], { timeoutMs: 30_000, ...options });
  }

  private initAlive(h: HostPlan, init: InitInfo): boolean {
    return (
      isAlive(init.pid) &&
      procNsInode(init.pid, 'pid') === init.pidNs &&
      procNsInode(init.pid, 'net') === fileNsInode(join(NETNS_DIR, h.netns))
    );
  }

  /** Returns the host pid of the host's init, starting one (a new PID namespace) if needed. */
  ensureInit(host: string): Promise<number> {
    let starting = this.starting.get(host);
    if (!starting) {
      starting = this.startInit(host).finally(() => this.starting.delete(host));
      this.starting.set(host, starting);
    }
    return starting;
  }

  private async startInit(host: string): Promise<number> {
    if (this.options.destroyed()) throw new LabError(`lab '${this.topology.name}' is destroyed`);
    const h = this.topology.host(host);
    const current = this.inits[host];
    if (current && this.initAlive(h, current)) return current.pid;
    if (fileNsInode(join(NETNS_DIR, h.netns)) === undefined) {
      throw new LabError(`lab '${this.topology.name}': namespace ${h.netns} is gone`);
    }
    // The holder (unshare) waits for init and kills it if it dies itself. Its stderr goes to a
    // file, never to a pipe we close: a write to a closed pipe would kill it, and the host.
    const logFile = join(h.dir, 'init.log');
    const logFd = openSync(logFile, 'a');
    let holder: ChildProcess;
    try {
      holder = spawnChild(
        'nsenter',
        [
          ...this.nsArgs(h),
          '--',
          // An owning process takes the host down with it, even when SIGKILLed.
          ...(this.options.owned ? ['setpriv', '--pdeathsig', 'KILL', '--'] : []),
          'unshare',
          '--pid',
          '--fork',
          '--kill-child',
          '--',
          'bash',
          '-s',
          ...INIT_ARGS,
          host,
        ],
        { stdio: ['pipe', 'ignore', logFd, 'pipe'], detached: true, cwd: '/' },
      );
    } finally {
      closeSync(logFd);
    }
    holder.stdin?.on('error', () => undefined);
    holder.stdin?.end(INIT_SCRIPT);
    const readyPipe = holder.stdio[3] as Readable | null;
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      let buf = '';
      readyPipe?.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('ready')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      holder.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    const holderPid = holder.pid ?? -1;
    let init: InitInfo | undefined;
    if (ok) {
      const child = listProcs().find((p) => p.ppid === holderPid);
      const pidNs = child ? procNsInode(child.pid, 'pid') : undefined;
      if (child && pidNs !== undefined && pidNs !== procNsInode('self', 'pid'))
        init = { pid: child.pid, pidNs };
    }
    (readyPipe as Readable | null)?.destroy();
    holder.unref();
    if (!init) {
      if (holderPid > 0) signalPid(holderPid, 'SIGKILL');
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8').slice(-2000);
      } catch {
        // no log
      }
      throw new LabError(`${host}: init did not start\n${log}`);
    }
    this.inits[host] = init;
    if (!this.options.destroyed()) this.options.save();
    return init.pid;
  }

  /**
   * Sends a signal (default SIGKILL) to the processes of a host whose command line matches the
   * pattern (a regular expression, like pkill -f). Only processes in that host's namespaces are
   * considered. Returns the pids signalled.
   */
  kill(host: string, pattern: string | RegExp, signal: NodeJS.Signals = 'SIGKILL'): number[] {
    return this.pids(host, pattern).filter((pid) => signalPid(pid, signal));
  }

  /** SIGSTOPs the matching processes of a host (every process when no pattern). */
  freeze(host: string, pattern?: string | RegExp): number[] {
    return this.pids(host, pattern).filter((pid) => signalPid(pid, 'SIGSTOP'));
  }

  /** SIGCONTs the matching processes of a host (every process when no pattern), and their nsenter wrappers. */
  thaw(host: string, pattern?: string | RegExp): number[] {
    const pids = this.pids(host, pattern).filter((pid) => signalPid(pid, 'SIGCONT'));
    // An nsenter wrapper stops itself when its child stops; it must be continued too, or it
    // would never report the child's exit.
    const procs = listProcs();
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    for (const pid of pids) {
      const parent = byPid.get(byPid.get(pid)?.ppid ?? -1);
      if (parent && parent.comm === 'nsenter' && parent.state === 'T') signalPid(parent.pid, 'SIGCONT');
    }
    return pids;
  }

  /**
   * Crashes a host: SIGKILLs its init, so the kernel kills every process of its PID namespace at
   * once. The network and files stay; the next exec/spawn starts a new init (a "reboot").
   */
  async crash(host: string): Promise<void> {
    const init = this.aliveInit(host);
    if (init) signalPid(init.pid, 'SIGKILL');
    const gone = await waitFor(() => this.pids(host).length === 0 && (!init || !isAlive(init.pid)), 10_000);
    if (!gone) throw new LabError(`${host}: processes survived the crash: ${this.pids(host).join(', ')}`);
  }

  /** SIGKILLs every host's init, which takes every process of the host with it. */
  killInits(): void {
    for (const h of this.topology.plan.hosts) {
      const init = this.aliveInit(h.name);
      if (init) signalPid(init.pid, 'SIGKILL');
    }
  }
}

function isWrapper(p: ProcInfo): boolean {
  return p.comm === 'nsenter' || p.comm === 'unshare';
}
