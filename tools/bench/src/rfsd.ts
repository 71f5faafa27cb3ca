// A primary and a secondary keel-rfsd on loopback, each on its own directory under the bench's
// scratch, started as native/crates/keel-rfsd/tests/support starts them: the release binary, a
// cluster key file (hex, mode 600), `--role`, the module/node/peer binding, `--listen` with
// `--peer-addr 127.0.0.1` on the primary, `--connect` on the secondary. The link binds the set of
// directories, so the secondary runs in a mount namespace of its own where its directory ("s") is
// bind-mounted at the primary's path ("p"), as on a node of its own. Only the command line and the
// JSON events on stdout are used (docs/decisions/0009-replication.md): the bench keeps working as
// the daemon's insides change.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { signalPid } from '../../lab/src/system';
import type { Scratch } from './scratch';

export const ROOT = resolve(__dirname, '../../..');
export const RFSD = join(ROOT, 'native/target/release/keel-rfsd');
/** The link's timeout, as apps/rfs gives a module with the default heartbeat (its 5 s floor). */
const TIMEOUT_MS = '5000';
/** How long a daemon may take to say what the bench waits for, by default. */
const WAIT_MS = 60_000;

export interface RfsdEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

/** The release binary, or a clear error naming the command that builds it. */
export function rfsdBinary(): string {
  if (!existsSync(RFSD))
    throw new Error(`${RFSD} is missing: cd native && nice -n 19 cargo build --release -p keel-rfsd`);
  return RFSD;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** One running daemon: its events as they come, its stderr in a log file. */
export class Rfsd {
  readonly events: RfsdEvent[] = [];
  private readonly exited: Promise<string>;
  private done = false;
  private wake: () => void = () => undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly log: string,
  ) {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let e: RfsdEvent;
      try {
        e = JSON.parse(line) as RfsdEvent;
      } catch {
        e = { event: 'unparsed', line };
      }
      this.events.push(e);
      this.wake();
    });
    child.stderr?.pipe(createWriteStream(log, { flags: 'a' }));
    this.exited = new Promise((res) =>
      child.once('exit', (code, signal) => {
        this.done = true;
        this.wake();
        res(signal ? `killed by ${signal}` : `exit ${code}`);
      }),
    );
  }

  static spawn(name: string, program: string, args: readonly string[], log: string): Rfsd {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Rfsd(name, child, log);
  }

  /** Index of the next event: wait for one after it with `since`. */
  mark(): number {
    return this.events.length;
  }

  /**
   * The first `event` at or after index `since`; rejects when the daemon reports an error, exits, or
   * is silent past the bound, naming its log.
   */
  async wait(event: string, since = 0, timeoutMs = WAIT_MS): Promise<RfsdEvent> {
    const deadline = Date.now() + timeoutMs;
    for (let i = since; ;) {
      for (; i < this.events.length; i++) {
        const e = this.events[i] as RfsdEvent;
        if (e.event === event) return e;
        if (e.event === 'error' || e.event === 'behind' || e.event === 'unparsed')
          throw new Error(
            `${this.name}: ${JSON.stringify(e)} while waiting for '${event}' (log ${this.log})`,
          );
      }
      if (this.done)
        throw new Error(`${this.name} ended (${await this.exited}) before '${event}' (log ${this.log})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no '${event}' within ${timeoutMs} ms (log ${this.log})`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.wake = () => {
          clearTimeout(t);
          res();
        };
      });
    }
  }

  /** SIGTERM (a clean stop: a primary says goodbye and unmounts), SIGKILL after 30 s. */
  async stop(): Promise<string> {
    if (this.done) return this.exited;
    signalPid(this.child.pid as number, 'SIGTERM');
    const t = setTimeout(() => signalPid(this.child.pid as number, 'SIGKILL'), 30_000);
    const how = await this.exited;
    clearTimeout(t);
    return how;
  }
}

/**
 * One replicated directory: `<dir>/p` (the primary's, where applications write through its mount)
 * and `<dir>/s` (the secondary's copy), with a state directory each.
 */
export class RfsdPair {
  readonly p: string;
  readonly s: string;
  private port = 0;
  primary: Rfsd | undefined;
  secondary: Rfsd | undefined;

  constructor(
    private readonly scratch: Scratch,
    readonly name: string,
  ) {
    this.p = scratch.dir(name, 'p');
    this.s = scratch.dir(name, 's');
    scratch.dir(name, 'p-state');
    scratch.dir(name, 's-state');
  }

  /** The TCP port the primary listens on (its link, for the byte counters). */
  get listenPort(): number {
    return this.port;
  }

  private key(): string {
    const key = this.scratch.path('key');
    if (!existsSync(key)) writeFileSync(key, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    return key;
  }

  private log(role: string): string {
    return this.scratch.path('logs', `${this.name}-${role}.log`);
  }

  /** Forgets earlier links on both sides (their state directories emptied): the next is a first join. */
  forgetLinks(): void {
    for (const d of ['p-state', 's-state']) {
      const dir = this.scratch.path(this.name, d);
      for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
    }
  }

  /** Starts the primary over `p` and waits until its mount is up. */
  async startPrimary(): Promise<Rfsd> {
    this.port = await freePort();
    // The primary's FUSE mount on p must go even if the bench dies first; the daemon unmounts on
    // SIGTERM, and Scratch.destroy detaches what a killed one left.
    const d = Rfsd.spawn(
      `${this.name} primary`,
      rfsdBinary(),
      [
        ...['--role', 'primary', '--module', 'bench', '--node', 'node1', '--peer', 'node2'],
        ...['--dir', this.p, '--listen', `127.0.0.1:${this.port}`, '--peer-addr', '127.0.0.1'],
        ...['--key-file', this.key(), '--state-dir', this.scratch.path(this.name, 'p-state')],
        ...['--timeout-ms', TIMEOUT_MS],
      ],
      this.log('primary'),
    );
    this.primary = d;
    this.scratch.onDestroy(d.name, () => d.stop().then(() => undefined));
    await d.wait('mounted');
    return d;
  }

  /**
   * Starts the secondary (`full`: it asks for everything, as a first join does); the caller waits
   * for its `synced`.
   */
  startSecondary(full: boolean): Rfsd {
    // In its namespace: the primary's mount (copied there) taken away without a look at it, then
    // "s" shown at the primary's path; the daemon replaces the shell (tests/support does the same).
    const script =
      'while grep -q " $2 " /proc/self/mountinfo; do umount -l -c "$2" || exit 1; done; ' +
      'mount --bind "$1" "$2" && shift 2 && exec "$@"';
    const d = Rfsd.spawn(
      `${this.name} secondary`,
      'unshare',
      [
        ...['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', this.s, this.p, rfsdBinary()],
        ...['--role', 'secondary', '--module', 'bench', '--node', 'node2', '--peer', 'node1'],
        ...['--dir', this.p, '--connect', `127.0.0.1:${this.port}`, '--key-file', this.key()],
        ...['--state-dir', this.scratch.path(this.name, 's-state'), '--timeout-ms', TIMEOUT_MS],
        ...(full ? ['--full'] : []),
      ],
      this.log('secondary'),
    );
    this.secondary = d;
    this.scratch.onDestroy(d.name, () => d.stop().then(() => undefined));
    return d;
  }

  /**
   * Stops the primary cleanly and waits until the secondary says it holds everything the primary
   * acknowledged (`primary-stopped`), then stops the secondary: both copies are then at rest in
   * their bare directories, ready to be compared.
   */
  async stopBoth(): Promise<void> {
    const since = this.secondary?.mark() ?? 0;
    await this.primary?.stop();
    await this.secondary?.wait('primary-stopped', since);
    await this.secondary?.stop();
  }
}
