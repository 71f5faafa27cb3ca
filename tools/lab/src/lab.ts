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
import { isIP } from 'node:net';
import { join } from 'node:path';
import { startEtcd, type EtcdMember, type EtcdOptions } from './lab-etcd';
import { startForward, type Forward } from './lab-forward';
import { LabHosts, type InitInfo } from './lab-hosts';
import { PROBE_SCRIPT, SETUP_SCRIPT } from './lab-scripts';
import { LabSwitch } from './lab-switch';
import { LabTopology } from './lab-topology';
import {
  LabError,
  type ExecOptions,
  type HostStatus,
  type LabOptions,
  type LabProcess,
  type NetemBackend,
  type NetemOptions,
  type SpawnOptions,
  type ExitStatus,
  type TcpProbeResult,
} from './lab-types';
import { planLab, runRootFromEnv, validateLabName, type HostPlan, type LabPlan, type LabSpec } from './plan';
import { exitCode, listProcs, run, runChecked, signalPid, waitFor, which, type ExecResult } from './system';
import {
  cleanupLeftovers,
  currentOwner,
  listNetns,
  ownerAlive,
  readOwner,
  teardownLab,
  type CleanupOptions,
  type LabOwner,
} from './teardown';

export * from './lab-types';

interface LabState {
  version: 1;
  createdAt: string;
  /** The process that built the lab and destroys it; absent for labs built to outlive it (CLI). */
  owner?: LabOwner;
  plan: LabPlan;
  inits: Record<string, InitInfo>;
}

const STATE_VERSION = 1;

/**
 * One lab: its plan and state file, its life cycle, and running things in its hosts. The hosts'
 * inits and processes are LabHosts', the network and its faults LabSwitch's.
 */
export class Lab {
  private readonly tracked = new Set<LabProcess>();
  private readonly exitHook: (() => void) | undefined;
  private destroyed = false;
  private readonly topology: LabTopology;
  private readonly hosts: LabHosts;
  private readonly network: LabSwitch;

  private constructor(
    private state: LabState,
    options: LabOptions,
  ) {
    const owned = options.killOnExit ?? true;
    this.topology = new LabTopology(state.plan);
    this.hosts = new LabHosts(this.topology, state.inits, {
      owned,
      destroyed: () => this.destroyed,
      save: () => this.save(),
    });
    this.network = new LabSwitch(this.topology, this.hosts);
    if (owned) {
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
    return this.topology.lans;
  }

  host(name: string): HostPlan {
    return this.topology.host(name);
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
    return this.topology.iface(host, lan).ifname;
  }

  /** The command line that runs argv inside a host (for scripts that need their own spawn). */
  async commandFor(host: string, argv: readonly string[], cwd?: string): Promise<string[]> {
    const init = await this.hosts.ensureInit(host);
    return [
      'nsenter',
      ...this.hosts.nsArgs(this.host(host)),
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
   * Starts one etcd member on a host (a lease arbiter's witness, docs/decisions/0019), serving on
   * the host's address, and waits until it is healthy; its data is the host's, gone with the lab.
   */
  /**
   * This machine's 127.0.0.1:<localPort> forwarded, from `host`, to `to`:<port> (a lab host's
   * address on the LAN they share, or an address); the forwarder goes with the lab.
   */
  forward(host: string, localPort: number, to: string, port: number): Promise<Forward> {
    const address = isIP(to) ? to : this.address(to, this.topology.sharedLan(host, to));
    return startForward(this.plan.runDir, this.host(host).netns, localPort, { address, port });
  }

  startEtcd(host: string, options: EtcdOptions = {}): Promise<EtcdMember> {
    return startEtcd(
      {
        address: (h, lan) => this.address(h, lan),
        hostDir: (h) => this.host(h).dir,
        spawn: (h, argv, o) => this.spawn(h, argv, o),
        exec: (h, argv, o) => this.exec(h, argv, o),
      },
      host,
      options,
    );
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
    const target = /^[0-9.]+$/.test(to)
      ? to
      : this.address(to, options.lan ?? this.topology.sharedLan(from, to));
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
    return this.hosts.pids(host, pattern);
  }

  /**
   * Sends a signal (default SIGKILL) to the processes of a host whose command line matches the
   * pattern (a regular expression, like pkill -f). Returns the pids signalled.
   */
  kill(host: string, pattern: string | RegExp, signal: NodeJS.Signals = 'SIGKILL'): number[] {
    return this.hosts.kill(host, pattern, signal);
  }

  /** SIGSTOPs the matching processes of a host (every process when no pattern). */
  freeze(host: string, pattern?: string | RegExp): number[] {
    return this.hosts.freeze(host, pattern);
  }

  /** SIGCONTs the matching processes of a host (every process when no pattern), and their nsenter wrappers. */
  thaw(host: string, pattern?: string | RegExp): number[] {
    return this.hosts.thaw(host, pattern);
  }

  /** Crashes a host: every process of it dies at once; the next exec/spawn "reboots" it. */
  crash(host: string): Promise<void> {
    return this.hosts.crash(host);
  }

  // ---------------------------------------------------------------------------------------------
  // Network: fault injection

  /** Cuts a host's cable on a LAN (its switch port goes down; the host sees NO-CARRIER). */
  linkDown(host: string, lan: string): Promise<void> {
    return this.network.linkDown(host, lan);
  }

  /** Plugs a host's cable back in. */
  linkUp(host: string, lan: string): Promise<void> {
    return this.network.linkUp(host, lan);
  }

  /**
   * Partitions a LAN. Without groups, every host is cut off (all its ports down). With groups,
   * the hosts of each group still reach each other but not the other groups (each group gets its
   * own bridge); hosts in no group are cut off.
   */
  partition(lan: string, groups?: readonly (readonly string[])[]): Promise<void> {
    return this.network.partition(lan, groups);
  }

  /** Ends a partition of a LAN: every port back on the LAN's bridge and up. */
  heal(lan: string): Promise<void> {
    return this.network.heal(lan);
  }

  /**
   * Adds delay and/or loss on a host's interface on a LAN (egress); `null` or all-zero options
   * clear it (LabSwitch.netem says how).
   */
  netem(host: string, lan: string, options: NetemOptions | null): Promise<NetemBackend> {
    return this.network.netem(host, lan, options);
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  async status(): Promise<HostStatus[]> {
    const ports = await this.network.portStates();
    const present = new Set(listNetns());
    const result: HostStatus[] = [];
    for (const h of this.plan.hosts) {
      const init = this.hosts.aliveInit(h.name);
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
        ...(init ? { initPid: init.pid } : {}),
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

    await this.network.build();

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
        this.hosts.nsRun(h, [
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
    await Promise.all(plan.hosts.map((h) => this.hosts.ensureInit(h.name)));
    await this.network.settleLinks();
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
    this.hosts.killInits();
  }
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
