// The network-namespace lab: N nodes and clients on one machine, each host in its own network,
// mount, UTS and PID namespaces; one switch namespace holding one bridge per LAN.
// See docs/decisions/0006-lab.md for the layout and the guarantees.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { planLab, runRootFromEnv, validateLabName, type HostPlan, type LabPlan, type LabSpec } from './plan';
import {
  cmdline,
  exitCode,
  fileNsInode,
  isAlive,
  listProcs,
  procNsInode,
  run,
  runChecked,
  signalPid,
  waitFor,
  which,
  type ExecResult,
  type ProcInfo,
} from './system';
import {
  NETNS_DIR,
  cleanupLeftovers,
  currentOwner,
  listNetns,
  ownerAlive,
  readOwner,
  teardownLab,
  type CleanupOptions,
  type LabOwner,
} from './teardown';

export class LabError extends Error {
  override readonly name: string = 'LabError';
}

/** A fault the kernel of this machine cannot inject (e.g. tc netem not built in). */
export class LabUnsupportedError extends LabError {
  override readonly name = 'LabUnsupportedError';
}

export interface LabOptions {
  /**
   * On exit of this Node process, SIGKILL the hosts' init processes (which kills every process
   * of the lab) and the processes started with spawn(). Namespaces stay until destroy() or
   * cleanupLeftovers(). Default true; the CLI turns it off so `lab up` outlives the command.
   */
  readonly killOnExit?: boolean;
}

export interface ExecOptions {
  /** Bound on the command; on expiry it is SIGKILLed and `timedOut` is set. Default 60 s. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin (otherwise stdin is /dev/null). */
  readonly input?: string;
  /** Environment of the command; default this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory inside the host (resolved in its mount namespace). Default /. */
  readonly cwd?: string;
  /** Reject with LabError unless the command exits 0. */
  readonly check?: boolean;
}

export interface SpawnOptions {
  /** Append stdout and stderr to this file (a path on the machine running the lab). Default: discarded. */
  readonly logFile?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Let the process outlive this Node process (new session, not killed on exit). Default false. */
  readonly detached?: boolean;
}

export interface ExitStatus {
  /** Exit code; 128 + signal number when killed by a signal. */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
}

export interface LabProcess {
  readonly host: string;
  readonly argv: readonly string[];
  /** Host pid of the command itself (what kill/freeze/thaw act on); the wrapper's pid if it died at once. */
  readonly pid: number;
  /** Host pid of the nsenter wrapper that waits for the command and reports its status. */
  readonly wrapperPid: number;
  readonly exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /** Signals the command (default SIGKILL); false if it is gone. */
  kill(signal?: NodeJS.Signals): boolean;
}

export interface NetemOptions {
  readonly delayMs?: number;
  readonly jitterMs?: number;
  readonly lossPct?: number;
}

/** How a netem() request was applied. */
export type NetemBackend = 'tc-netem' | 'nft-loss' | 'cleared';

export interface TcpProbeResult {
  readonly connected: boolean;
  /** First line the server sent (e.g. nats-server's INFO), when `readLine` was asked for. */
  readonly line?: string;
  readonly error?: string;
}

export interface HostStatus {
  readonly name: string;
  readonly kind: 'node' | 'client';
  readonly netns: string;
  readonly present: boolean;
  /** Host pid of the host's init (pid 1 of its PID namespace), if running. */
  readonly initPid?: number;
  /** Processes inside the host, init and its idle child excluded. */
  readonly processes: number;
  readonly interfaces: readonly {
    lan: string;
    ifname: string;
    address: string;
    /** Switch port administratively up (false after linkDown/partition). */
    linkUp: boolean;
    qdisc?: string;
  }[];
}

interface InitInfo {
  /** Host pid of pid 1 of the host's PID namespace. */
  pid: number;
  /** Inode of that PID namespace (guards against pid reuse). */
  pidNs: number;
}

interface LabState {
  version: 1;
  createdAt: string;
  /** The process that built the lab and destroys it; absent for labs built to outlive it (CLI). */
  owner?: LabOwner;
  plan: LabPlan;
  inits: Record<string, InitInfo>;
}

const STATE_VERSION = 1;
const IDLE_NAME = 'keel-lab-idle';
const INIT_ARGS = ['keel-lab-init'];
const NFT_TABLE = 'keel_lab_netem';

// pid 1 of every host: mounts the host's own /proc, signals readiness on fd 3, then reaps
// orphans forever (bash reaps any child on SIGCHLD while it waits).
const INIT_SCRIPT = `set -e
umount -l /proc 2>/dev/null || true
mount -t proc -o nosuid,nodev,noexec proc /proc
echo ready >&3
exec 3>&- >/dev/null 2>&1
trap 'exit 0' TERM INT
while :; do (exec -a ${IDLE_NAME} sleep 2147483647) & wait $! || true; done
`;

// Run once in each new mount namespace: hostname, private directories, a sysfs of its own network
// namespace, and no view of other labs' namespace files or state directories (whose copies would
// otherwise keep those namespaces alive). Last, its mounts become shared, as systemd leaves a
// machine's (in peer groups of this namespace alone: it was made private from the machine first),
// so that a namespace made from it as a slave, as keel-fence makes, sees the mounts made after.
const SETUP_SCRIPT = `set -e
host=$1; runroot=$2; shift 2
hostname "$host"
while [ $# -gt 1 ]; do mount --bind "$1" "$2"; shift 2; done
umount -l /sys 2>/dev/null || true
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
while read -r _ _ _ _ m _; do
  case "$m" in "$runroot"|"$runroot"/*|${NETNS_DIR}|${NETNS_DIR}/*) echo "$m";; esac
done </proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
mount -t tmpfs -o size=64k,mode=755 keel-lab-netns ${NETNS_DIR}
mount --make-rshared /
`;

const DISABLE_IPV6 = `for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 /proc/sys/net/ipv6/conf/all/disable_ipv6; do
  [ -w "$f" ] && echo 1 >"$f"; done; true`;

const PROBE_SCRIPT = `
const net = require('node:net');
const [host, port, timeoutMs, retry, readLine] = process.argv.slice(1);
const deadline = Date.now() + Number(timeoutMs);
const out = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); };
function attempt() {
  const s = net.connect({ host, port: Number(port) });
  let buf = '';
  let connected = false;
  const connectedResult = () => (buf ? { connected: true, line: buf } : { connected: true });
  const timer = setTimeout(() => {
    s.destroy();
    out(connected ? connectedResult() : { connected: false, error: 'ETIMEDOUT' });
  }, Math.max(1, deadline - Date.now()));
  s.on('connect', () => {
    connected = true;
    if (readLine !== '1') { s.destroy(); out({ connected: true }); }
  });
  s.on('data', (d) => {
    buf += d.toString('utf8');
    const i = buf.indexOf('\\n');
    if (i >= 0) { s.destroy(); out({ connected: true, line: buf.slice(0, i).replace(/\\r$/, '') }); }
  });
  s.on('error', (e) => {
    clearTimeout(timer);
    if (connected) out(connectedResult());
    else if (retry === '1' && Date.now() + 50 < deadline) setTimeout(attempt, 50);
    else out({ connected: false, error: String(e.code || e.message) });
  });
  s.on('close', () => { if (connected) { clearTimeout(timer); out(connectedResult()); } });
}
attempt();
`;

export class Lab {
  private readonly tracked = new Set<LabProcess>();
  private readonly starting = new Map<string, Promise<number>>();
  private readonly exitHook: (() => void) | undefined;
  private destroyed = false;

  private constructor(
    private state: LabState,
    options: LabOptions,
  ) {
    if (options.killOnExit ?? true) {
      this.exitHook = () => this.killSync();
      process.on('exit', this.exitHook);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Life cycle

  /**
   * Builds a lab. A lab of the same name is replaced, unless another live process owns it
   * (LabError). On any failure everything already built is removed again before the error is
   * rethrown.
   */
  static async create(spec: LabSpec, options: LabOptions = {}): Promise<Lab> {
    const plan = planLab(spec);
    requireRoot();
    const owner = readOwner(plan.name, plan.runRoot);
    if (owner && owner.pid !== process.pid && ownerAlive(owner)) {
      throw new LabError(`lab '${plan.name}' is in use by process ${owner.pid}; pick another name`);
    }
    await teardownLab(plan.name, plan.runRoot);
    const lab = new Lab(
      {
        version: STATE_VERSION,
        createdAt: new Date().toISOString(),
        ...((options.killOnExit ?? true) ? { owner: currentOwner() } : {}),
        plan,
        inits: {},
      },
      options,
    );
    try {
      await lab.build();
      lab.save();
      return lab;
    } catch (err) {
      await lab.destroy().catch(() => undefined);
      throw err;
    }
  }

  /** Attaches to a lab built earlier (e.g. by `lab up`), from its state file. */
  static open(name: string, options: LabOptions & { runRoot?: string } = {}): Lab {
    validateLabName(name);
    const file = join(options.runRoot ?? runRootFromEnv(), name, 'lab.json');
    if (!existsSync(file)) throw new LabError(`no lab '${name}' (missing ${file})`);
    const state = JSON.parse(readFileSync(file, 'utf8')) as LabState;
    if (state.version !== STATE_VERSION) throw new LabError(`${file}: unsupported state version`);
    return new Lab(state, { killOnExit: false, ...options });
  }

  /** Names of the labs that have a state file under runRoot. */
  static list(runRoot: string = runRootFromEnv()): string[] {
    try {
      return readdirSync(runRoot)
        .filter((d) => /^[a-z][a-z0-9]*$/.test(d) && existsSync(join(runRoot, d, 'lab.json')))
        .sort();
    } catch {
      return [];
    }
  }

  /**
   * Removes labs whose namespaces start with prefix (default: every `kl-` lab); with
   * `orphansOnly`, only those whose owner process is gone (crashed runs).
   */
  static cleanupLeftovers(prefix?: string, options?: CleanupOptions): Promise<string[]> {
    return cleanupLeftovers(prefix, options);
  }

  /** Removes a lab by name (live or crashed); idempotent. */
  static destroyByName(name: string, runRoot?: string): Promise<void> {
    return teardownLab(name, runRoot);
  }

  /**
   * Kills every process of the lab (tracked or not), unmounts its namespace files and private
   * directories, deletes its namespaces and its state directory. Idempotent.
   */
  async destroy(): Promise<void> {
    this.destroyed = true;
    if (this.exitHook) process.removeListener('exit', this.exitHook);
    for (const p of this.tracked) p.kill('SIGKILL');
    await teardownLab(this.plan.name, this.plan.runRoot);
    const procs = [...this.tracked];
    await waitFor(() => procs.every((p) => !p.isRunning()), 5_000);
    this.tracked.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Plan accessors

  get name(): string {
    return this.plan.name;
  }

  get plan(): LabPlan {
    return this.state.plan;
  }

  get nodes(): string[] {
    return this.plan.hosts.filter((h) => h.kind === 'node').map((h) => h.name);
  }

  get clients(): string[] {
    return this.plan.hosts.filter((h) => h.kind === 'client').map((h) => h.name);
  }

  get lans(): string[] {
    return this.plan.lans.map((l) => l.name);
  }

  host(name: string): HostPlan {
    const h = this.plan.hosts.find((x) => x.name === name);
    if (!h)
      throw new LabError(
        `lab '${this.name}' has no host '${name}' (hosts: ${this.plan.hosts.map((x) => x.name).join(', ')})`,
      );
    return h;
  }

  /** The host's address on a LAN (default: its first LAN), e.g. 198.18.1.2. */
  address(host: string, lan?: string): string {
    const h = this.host(host);
    const iface = lan === undefined ? h.interfaces[0] : h.interfaces.find((i) => i.lan === lan);
    if (!iface) throw new LabError(`host '${host}' is not on LAN '${lan}'`);
    return iface.address;
  }

  /** The interface name inside the host for a LAN: eth<lan index>. */
  ifname(host: string, lan: string): string {
    return this.iface(host, lan).ifname;
  }

  /** The command line that runs argv inside a host (for scripts that need their own spawn). */
  async commandFor(host: string, argv: readonly string[], cwd?: string): Promise<string[]> {
    const init = await this.ensureInit(host);
    return [
      'nsenter',
      ...this.nsArgs(this.host(host)),
      `--pid=/proc/${init}/ns/pid`,
      '--',
      ...withCwd(argv, cwd),
    ];
  }

  // ---------------------------------------------------------------------------------------------
  // Running things inside hosts

  /** Runs a command inside a host (its network, mount, UTS and PID namespaces). */
  async exec(host: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new LabError('exec: empty command');
    const [cmd, ...args] = await this.commandFor(host, argv, options.cwd);
    const result = await run(cmd as string, args, {
      input: options.input,
      timeoutMs: options.timeoutMs,
      env: options.env,
    });
    if (options.check && (result.code !== 0 || result.timedOut)) {
      throw new LabError(
        `${host}: ${argv.join(' ')} failed (${result.timedOut ? 'timed out' : `exit ${result.code}`})\n${result.stderr.trim()}`,
      );
    }
    return result;
  }

  /** Starts a long-running command inside a host; destroy() (and process exit) kills it. */
  async spawn(host: string, argv: readonly string[], options: SpawnOptions = {}): Promise<LabProcess> {
    if (argv.length === 0) throw new LabError('spawn: empty command');
    const [cmd, ...args] = await this.commandFor(host, argv, options.cwd);
    const fd = options.logFile ? openSync(options.logFile, 'a') : undefined;
    let child: ChildProcess;
    try {
      child = spawnChild(cmd as string, args, {
        stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
        env: options.env ?? process.env,
        cwd: '/',
        detached: options.detached ?? false,
      });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    let running = true;
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once('error', () => {
        if (child.pid === undefined) {
          running = false;
          resolve({ code: 127, signal: null });
        }
      });
      child.once('exit', (code, signal) => {
        running = false;
        resolve({ code: exitCode(code, signal), signal });
      });
    });
    const wrapperPid = child.pid ?? -1;
    let pid = wrapperPid;
    if (wrapperPid > 0) {
      await waitFor(() => {
        const c = listProcs().find((p) => p.ppid === wrapperPid);
        if (c) pid = c.pid;
        return c !== undefined || !running;
      }, 5_000);
    }
    if (options.detached) child.unref();
    const proc: LabProcess = {
      host,
      argv: [...argv],
      pid,
      wrapperPid,
      exited,
      isRunning: () => running,
      kill: (signal: NodeJS.Signals = 'SIGKILL') => running && signalPid(pid, signal),
    };
    if (!options.detached) {
      this.tracked.add(proc);
      void exited.then(() => this.tracked.delete(proc));
    }
    return proc;
  }

  /**
   * Starts a nats-server on 127.0.0.1:<port> (default 4222) inside a host, named after the host,
   * and waits until it accepts connections there. With `config` (a path inside the host, e.g.
   * keel's /etc/keel/bus/nats-server.conf), the server runs with that configuration; the address
   * and port given here override its listen line.
   */
  async startNats(
    host: string,
    options: {
      port?: number;
      logFile?: string;
      config?: string;
      timeoutMs?: number;
      binary?: string;
      detached?: boolean;
    } = {},
  ): Promise<LabProcess> {
    const binary =
      options.binary ?? process.env['KEEL_NATS_SERVER'] ?? which('nats-server', ['/usr/sbin/nats-server']);
    if (!binary) throw new LabError('nats-server not found; install it: apt-get install nats-server');
    const port = options.port ?? 4222;
    const logFile = options.logFile ?? join(this.host(host).dir, `nats-${port}.log`);
    const config = options.config ? ['-c', options.config] : [];
    const proc = await this.spawn(
      host,
      [binary, ...config, '-a', '127.0.0.1', '-p', String(port), '-n', host],
      {
        logFile,
        ...(options.detached ? { detached: true } : {}),
      },
    );
    const timeoutMs = options.timeoutMs ?? 10_000;
    const ready = await Promise.race([
      this.probeTcp(host, '127.0.0.1', port, { timeoutMs, retry: true }).then((r) => r.connected),
      proc.exited.then(() => false),
    ]);
    if (!ready) {
      proc.kill('SIGKILL');
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8').slice(-4000);
      } catch {
        // no log
      }
      throw new LabError(`${host}: nats-server did not accept connections on 127.0.0.1:${port}\n${log}`);
    }
    return proc;
  }

  /**
   * Tries a TCP connection from inside a host. With `retry`, retries until it connects or the
   * bound expires; with `readLine`, waits for the first line the server sends.
   */
  async probeTcp(
    from: string,
    address: string,
    port: number,
    options: { timeoutMs?: number; retry?: boolean; readLine?: boolean } = {},
  ): Promise<TcpProbeResult> {
    const timeoutMs = options.timeoutMs ?? 3_000;
    const r = await this.exec(
      from,
      [
        process.execPath,
        '-e',
        PROBE_SCRIPT,
        address,
        String(port),
        String(timeoutMs),
        options.retry ? '1' : '0',
        options.readLine ? '1' : '0',
      ],
      { timeoutMs: timeoutMs + 10_000 },
    );
    try {
      return JSON.parse(r.stdout) as TcpProbeResult;
    } catch {
      return { connected: false, error: `probe failed (exit ${r.code}): ${r.stderr.trim()}` };
    }
  }

  /**
   * Pings from a host to another host (by name, on `lan` or the first LAN they share) or to an
   * address. Bounded: `count` echo requests, each waiting at most `timeoutS` seconds.
   */
  async ping(
    from: string,
    to: string,
    options: { lan?: string; count?: number; timeoutS?: number } = {},
  ): Promise<boolean> {
    const target = /^[0-9.]+$/.test(to) ? to : this.address(to, options.lan ?? this.sharedLan(from, to));
    const count = options.count ?? 1;
    const timeoutS = options.timeoutS ?? 1;
    const r = await this.exec(
      from,
      [
        'ping',
        '-n',
        '-q',
        '-c',
        String(count),
        '-W',
        String(timeoutS),
        '-w',
        String(count * timeoutS + 1),
        target,
      ],
      { timeoutMs: (count * timeoutS + 5) * 1000 },
    );
    return r.code === 0;
  }

  /**
   * Pings until answered or the bound expires. After a link comes back, the sender's ARP entry
   * may still be probing or failed, as with a real cable, so recovery can take a few seconds.
   */
  async waitReachable(
    from: string,
    to: string,
    options: { lan?: string; timeoutMs?: number } = {},
  ): Promise<boolean> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      if (await this.ping(from, to, { ...(options.lan ? { lan: options.lan } : {}), count: 1, timeoutS: 1 }))
        return true;
      if (Date.now() >= deadline) return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Processes: fault injection

  /** Host pids of the processes inside a host (its init and idle child excluded), optionally filtered. */
  pids(host: string, pattern?: string | RegExp): number[] {
    const h = this.host(host);
    const net = fileNsInode(join(NETNS_DIR, h.netns));
    if (net === undefined) return [];
    const init = this.state.inits[host];
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
    const h = this.host(host);
    const init = this.state.inits[host];
    if (init && this.initAlive(h, init)) signalPid(init.pid, 'SIGKILL');
    const gone = await waitFor(() => this.pids(host).length === 0 && (!init || !isAlive(init.pid)), 10_000);
    if (!gone) throw new LabError(`${host}: processes survived the crash: ${this.pids(host).join(', ')}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Network: fault injection

  /** Cuts a host's cable on a LAN (its switch port goes down; the host sees NO-CARRIER). */
  async linkDown(host: string, lan: string): Promise<void> {
    await this.setPort(this.iface(host, lan).switchPort, 'down');
  }

  /** Plugs a host's cable back in. */
  async linkUp(host: string, lan: string): Promise<void> {
    await this.setPort(this.iface(host, lan).switchPort, 'up');
  }

  /**
   * Partitions a LAN. Without groups, every host is cut off (all its ports down). With groups,
   * the hosts of each group still reach each other but not the other groups (each group gets its
   * own bridge); hosts in no group are cut off.
   */
  async partition(lan: string, groups?: readonly (readonly string[])[]): Promise<void> {
    const l = this.lan(lan);
    const hosts = this.plan.hosts.filter((h) => h.interfaces.some((i) => i.lan === lan));
    const grouped = new Map<string, number>();
    (groups ?? []).forEach((g, k) =>
      g.forEach((name) => {
        this.iface(name, lan);
        if (grouped.has(name)) throw new LabError(`partition: host '${name}' is in two groups`);
        grouped.set(name, k);
      }),
    );
    await this.healBatch(l);
    const cmds: string[] = [];
    (groups ?? []).forEach((_, k) => {
      if (k === 0) return; // group 0 keeps the LAN's own bridge
      const br = groupBridge(l.index, k);
      cmds.push(`link add ${br} type bridge`, `link set ${br} up`);
    });
    for (const h of hosts) {
      const port = this.iface(h.name, lan).switchPort;
      const k = grouped.get(h.name);
      if (k === undefined) cmds.push(`link set dev ${port} down`);
      else if (k > 0) cmds.push(`link set dev ${port} master ${groupBridge(l.index, k)}`);
    }
    await this.switchBatch(cmds);
    await this.settleLinks();
  }

  /** Ends a partition of a LAN: every port back on the LAN's bridge and up. */
  async heal(lan: string): Promise<void> {
    await this.healBatch(this.lan(lan));
    await this.settleLinks();
  }

  /**
   * Adds delay and/or loss on a host's interface on a LAN (egress), with tc netem inside the
   * host's network namespace; `null` or all-zero options clear it. When the kernel lacks netem,
   * loss alone falls back to an nftables rule in the host's namespace; delay throws
   * LabUnsupportedError.
   */
  async netem(host: string, lan: string, options: NetemOptions | null): Promise<NetemBackend> {
    const h = this.host(host);
    const dev = this.iface(host, lan).ifname;
    const delay = options?.delayMs ?? 0;
    const jitter = options?.jitterMs ?? 0;
    const loss = options?.lossPct ?? 0;
    if (delay < 0 || jitter < 0 || loss < 0 || loss > 100) throw new LabError('netem: invalid options');
    await this.clearNetem(h, dev);
    if (delay === 0 && jitter === 0 && loss === 0) return 'cleared';
    const args = ['-n', h.netns, 'qdisc', 'replace', 'dev', dev, 'root', 'netem'];
    if (delay > 0 || jitter > 0) args.push('delay', `${delay}ms`, ...(jitter > 0 ? [`${jitter}ms`] : []));
    if (loss > 0) args.push('loss', `${loss}%`);
    const r = await run('tc', args, { timeoutMs: 10_000 });
    if (r.code === 0) return 'tc-netem';
    if (!/unknown|not supported|No such file/i.test(r.stderr)) {
      throw new LabError(`tc ${args.join(' ')}: ${r.stderr.trim()}`);
    }
    if (delay > 0 || jitter > 0) {
      throw new LabUnsupportedError(
        `tc netem is not available in this kernel (CONFIG_NET_SCH_NETEM): cannot add delay`,
      );
    }
    const nft = which('nft', ['/usr/sbin/nft']);
    if (!nft)
      throw new LabUnsupportedError('tc netem is not available and nft is not installed: cannot add loss');
    const rule = loss >= 100 ? 'drop' : `numgen random mod 10000 < ${Math.round(loss * 100)} drop`;
    await this.nsRun(h, [nft, '-f', '-'], {
      input: `table inet ${NFT_TABLE}_${dev} {\n  chain egress {\n    type filter hook output priority 0; policy accept;\n    oifname "${dev}" ${rule}\n  }\n}\n`,
    });
    return 'nft-loss';
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  async status(): Promise<HostStatus[]> {
    const ports = await this.portStates();
    const present = new Set(listNetns());
    const result: HostStatus[] = [];
    for (const h of this.plan.hosts) {
      const init = this.state.inits[h.name];
      const alive = init !== undefined && this.initAlive(h, init);
      const interfaces = [];
      for (const i of h.interfaces) {
        const q = present.has(h.netns)
          ? await run('tc', ['-n', h.netns, 'qdisc', 'show', 'dev', i.ifname, 'root'])
          : undefined;
        const qdisc = q?.stdout.trim().split('\n')[0];
        interfaces.push({
          lan: i.lan,
          ifname: i.ifname,
          address: i.address,
          linkUp: ports.get(i.switchPort) ?? false,
          ...(qdisc && /netem/.test(qdisc) ? { qdisc } : {}),
        });
      }
      result.push({
        name: h.name,
        kind: h.kind,
        netns: h.netns,
        present: present.has(h.netns),
        ...(alive ? { initPid: init.pid } : {}),
        processes: present.has(h.netns) ? this.pids(h.name).length : 0,
        interfaces,
      });
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private async build(): Promise<void> {
    const { plan } = this;
    // The state directory appears with its state file in one rename, so a directory without
    // lab.json is always debris and another process never mistakes a lab being built for one.
    mkdirSync(plan.runRoot, { recursive: true });
    const fresh = join(plan.runRoot, `.new-${plan.name}-${process.pid}`);
    rmSync(fresh, { recursive: true, force: true });
    mkdirSync(join(fresh, 'ns'), { recursive: true });
    writeFileSync(join(fresh, 'lab.json'), JSON.stringify(this.state, null, 2) + '\n');
    renameSync(fresh, plan.runDir);
    await runChecked('mount', ['--bind', plan.runDir, plan.runDir]);
    await runChecked('mount', ['--make-private', plan.runDir]);
    for (const h of plan.hosts) {
      for (const d of h.privateDirs) {
        mkdirSync(d.source, { recursive: true });
        // The mount point must exist on the machine; create it empty if absent.
        if (!existsSync(d.path)) mkdirSync(d.path, { recursive: true });
      }
    }

    const all = [plan.switchNetns, ...plan.hosts.map((h) => h.netns)];
    await runChecked('ip', ['-batch', '-'], { input: all.map((n) => `netns add ${n}\n`).join('') });
    await Promise.all(
      all.map((n) => runChecked('nsenter', [`--net=${join(NETNS_DIR, n)}`, 'sh', '-c', DISABLE_IPV6])),
    );

    // Switch: one bridge per LAN; every veth is created here with its peer placed directly in
    // the host's namespace, so no end ever exists in the machine's own namespace.
    const sw: string[] = ['link set lo up'];
    for (const l of plan.lans) {
      sw.push(`link add ${l.bridge} type bridge stp_state 0`, `link set ${l.bridge} up`);
    }
    for (const h of plan.hosts) {
      for (const i of h.interfaces) {
        const bridge = this.lan(i.lan).bridge;
        sw.push(
          `link add ${i.switchPort} type veth peer name ${i.ifname} netns ${h.netns}`,
          `link set dev ${i.switchPort} master ${bridge}`,
          `link set dev ${i.switchPort} up`,
        );
      }
    }
    await this.switchBatch(sw);
    await Promise.all(
      plan.hosts.map((h) =>
        runChecked('ip', ['-n', h.netns, '-batch', '-'], {
          input:
            [
              'link set lo up',
              ...h.interfaces.flatMap((i) => [
                `addr add ${i.address}/${i.prefixLength} dev ${i.ifname}`,
                `link set dev ${i.ifname} up`,
              ]),
            ].join('\n') + '\n',
        }),
      ),
    );

    // Mount and UTS namespaces, made persistent by nsfs bind mounts under the (private) state dir.
    for (const h of plan.hosts) {
      writeFileSync(h.mntFile, '');
      writeFileSync(h.utsFile, '');
      await runChecked('unshare', [
        `--mount=${h.mntFile}`,
        `--uts=${h.utsFile}`,
        '--propagation',
        'private',
        'true',
      ]);
    }
    await Promise.all(
      plan.hosts.map((h) =>
        this.nsRun(h, [
          'sh',
          '-c',
          SETUP_SCRIPT,
          'keel-lab-setup',
          h.name,
          plan.runRoot,
          ...h.privateDirs.flatMap((d) => [d.source, d.path]),
        ]),
      ),
    );
    await Promise.all(plan.hosts.map((h) => this.ensureInit(h.name)));
    await this.settleLinks();
  }

  private nsArgs(h: HostPlan): string[] {
    return [`--net=${join(NETNS_DIR, h.netns)}`, `--mount=${h.mntFile}`, `--uts=${h.utsFile}`];
  }

  /** Runs a helper in a host's net, mount and UTS namespaces (not its PID namespace); must succeed. */
  private nsRun(h: HostPlan, argv: readonly string[], options: { input?: string } = {}): Promise<ExecResult> {
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
  private ensureInit(host: string): Promise<number> {
    let starting = this.starting.get(host);
    if (!starting) {
      starting = this.startInit(host).finally(() => this.starting.delete(host));
      this.starting.set(host, starting);
    }
    return starting;
  }

  private async startInit(host: string): Promise<number> {
    if (this.destroyed) throw new LabError(`lab '${this.name}' is destroyed`);
    const h = this.host(host);
    const current = this.state.inits[host];
    if (current && this.initAlive(h, current)) return current.pid;
    if (fileNsInode(join(NETNS_DIR, h.netns)) === undefined) {
      throw new LabError(`lab '${this.name}': namespace ${h.netns} is gone`);
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
          ...(this.exitHook ? ['setpriv', '--pdeathsig', 'KILL', '--'] : []),
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
    this.state.inits[host] = init;
    if (!this.destroyed) this.save();
    return init.pid;
  }

  private save(): void {
    if (!existsSync(this.plan.runDir)) return;
    const tmp = `${this.plan.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2) + '\n');
    renameSync(tmp, this.plan.stateFile);
  }

  /** Synchronous last resort on process exit: kill the hosts' inits and tracked processes. */
  private killSync(): void {
    for (const p of this.tracked) p.kill('SIGKILL');
    for (const h of this.plan.hosts) {
      const init = this.state.inits[h.name];
      if (init && this.initAlive(h, init)) signalPid(init.pid, 'SIGKILL');
    }
  }

  private iface(host: string, lan: string) {
    const i = this.host(host).interfaces.find((x) => x.lan === lan);
    if (!i) throw new LabError(`host '${host}' is not on LAN '${lan}' (LANs: ${this.lans.join(', ')})`);
    return i;
  }

  private lan(name: string) {
    const l = this.plan.lans.find((x) => x.name === name);
    if (!l) throw new LabError(`lab '${this.name}' has no LAN '${name}' (LANs: ${this.lans.join(', ')})`);
    return l;
  }

  private sharedLan(a: string, b: string): string {
    const lans = this.host(b).interfaces.map((i) => i.lan);
    const shared = this.host(a).interfaces.find((i) => lans.includes(i.lan));
    if (!shared) throw new LabError(`hosts '${a}' and '${b}' share no LAN`);
    return shared.lan;
  }

  private async switchBatch(cmds: readonly string[]): Promise<void> {
    if (cmds.length === 0) return;
    await runChecked('ip', ['-n', this.plan.switchNetns, '-batch', '-'], { input: cmds.join('\n') + '\n' });
  }

  private async setPort(port: string, state: 'up' | 'down'): Promise<void> {
    await this.switchBatch([`link set dev ${port} ${state}`]);
    await this.settleLinks();
  }

  /**
   * Waits (bounded) until every host interface's operational state matches its switch port:
   * carrier changes reach the other end of a veth asynchronously (the kernel's link watch may
   * defer them by up to a second), and until then traffic is dropped.
   */
  private async settleLinks(timeoutMs = 5_000): Promise<void> {
    const settled = await waitFor(async () => {
      const ports = await this.portStates();
      const checks = await Promise.all(
        this.plan.hosts.map(async (h) => {
          const r = await run('ip', ['-n', h.netns, '-j', 'link', 'show'], { timeoutMs: 10_000 });
          if (r.code !== 0) return false;
          const links = JSON.parse(r.stdout) as { ifname: string; operstate: string; flags: string[] }[];
          return h.interfaces.every((i) => {
            const link = links.find((l) => l.ifname === i.ifname);
            if (!link || !link.flags.includes('UP')) return true; // downed inside the host: not ours to wait for
            return (ports.get(i.switchPort) ?? false) === (link.operstate === 'UP');
          });
        }),
      );
      return checks.every(Boolean);
    }, timeoutMs);
    if (!settled) throw new LabError(`lab '${this.name}': links did not settle within ${timeoutMs} ms`);
  }

  private async healBatch(l: { index: number; bridge: string; name: string }): Promise<void> {
    const cmds: string[] = [];
    for (const h of this.plan.hosts) {
      const i = h.interfaces.find((x) => x.lan === l.name);
      if (i) cmds.push(`link set dev ${i.switchPort} master ${l.bridge}`, `link set dev ${i.switchPort} up`);
    }
    const existing = await this.portStates();
    for (const name of existing.keys()) {
      if (name.startsWith(groupBridgePrefix(l.index))) cmds.push(`link delete ${name}`);
    }
    await this.switchBatch(cmds);
  }

  /** Administrative state (UP flag) of every link in the switch namespace. */
  private async portStates(): Promise<Map<string, boolean>> {
    const r = await run('ip', ['-n', this.plan.switchNetns, '-j', 'link', 'show']);
    const states = new Map<string, boolean>();
    if (r.code !== 0) return states;
    for (const link of JSON.parse(r.stdout) as { ifname: string; flags: string[] }[]) {
      states.set(link.ifname, link.flags.includes('UP'));
    }
    return states;
  }

  private async clearNetem(h: HostPlan, dev: string): Promise<void> {
    await run('tc', ['-n', h.netns, 'qdisc', 'del', 'dev', dev, 'root'], { timeoutMs: 10_000 });
    const nft = which('nft', ['/usr/sbin/nft']);
    if (nft) {
      await run(
        'nsenter',
        [`--net=${join(NETNS_DIR, h.netns)}`, '--', nft, 'delete', 'table', 'inet', `${NFT_TABLE}_${dev}`],
        {
          timeoutMs: 10_000,
        },
      );
    }
  }
}

function groupBridgePrefix(lanIndex: number): string {
  return `pg${lanIndex}-`;
}

function groupBridge(lanIndex: number, group: number): string {
  return `${groupBridgePrefix(lanIndex)}${group}`;
}

function isWrapper(p: ProcInfo): boolean {
  return p.comm === 'nsenter' || p.comm === 'unshare';
}

/** nsenter opens --wd before entering the mount namespace, so cd inside instead. */
function withCwd(argv: readonly string[], cwd?: string): string[] {
  if (cwd === undefined || cwd === '/') return [...argv];
  return ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'keel-lab-cwd', cwd, ...argv];
}

function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError('the lab needs root (network, mount and PID namespaces)');
  }
}
