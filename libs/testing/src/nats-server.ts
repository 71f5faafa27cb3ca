// Test harness for medium tests: a real, throw-away nats-server on a free loopback port, run
// with keel's shipped configuration and bus files (authentication and role permissions on, as on
// a node), plus one extra user, `harness`, allowed everything, for test observers and the bus
// contract suite. The caller must stop() it (afterAll); an exit hook kills it anyway.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  loadBusCredentialFile,
  newBusCredentialSeed,
  parseBusCredential,
  type BusCredential,
  type BusRole,
} from '@keel/bus';
import { busFiles, installBusFiles, keelHome, localBusFiles, SHIPPED_NATS_SERVER_CONFIG } from '@keel/config';

/** The harness's own bus user: publishes and subscribes to anything, answers requests. */
export const HARNESS_USER = 'harness';

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  /** The etc directory whose bus/ holds the server's configuration and credentials. */
  readonly etc: string;
  /** The credential of a keel role (as services load it), or of the harness user. */
  credential(role: BusRole | typeof HARNESS_USER): BusCredential;
  /** Kills the server and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface StartNatsServerOptions {
  /** Fixed port, e.g. to restart a server where clients expect it; default: a free one. */
  readonly port?: number;
  /** Path of the binary; defaults to $KEEL_NATS_SERVER, then nats-server on PATH or /usr/sbin. */
  readonly binary?: string;
  /** Bound on the wait until the server accepts connections. */
  readonly startTimeoutMs?: number;
  /** Bound on the wait for exit after SIGTERM before SIGKILL. */
  readonly stopTimeoutMs?: number;
  /**
   * Where to install the bus files (<etc>/bus), e.g. a test node's KEEL_ETC so that its services
   * find their credentials; default: a temporary directory removed by stop(). An etc that
   * already holds bus files keeps their credentials (a restart on the same etc).
   */
  readonly etc?: string;
}

export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
  constructor(readonly searched: readonly string[]) {
    super(
      `nats-server binary not found (searched ${searched.join(', ')}); install it: apt-get install nats-server`,
    );
  }
}

export class NatsServerStartError extends Error {
  override readonly name = 'NatsServerStartError';
  constructor(
    reason: string,
    readonly output: string,
  ) {
    super(`nats-server did not start: ${reason}${output ? `\n--- nats-server output ---\n${output}` : ''}`);
  }
}

const HOST = '127.0.0.1';
const PORT_ATTEMPTS = 3;

export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = resolveBinary(options.binary);
  const bus = installHarnessBus(options.etc);
  try {
    if (options.port !== undefined) return await startOnce(binary, options.port, options, bus);
    let lastError: Error | undefined;
    // Another process can grab the free port between our probe and the server's bind.
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        return await startOnce(binary, await freePort(), options, bus);
      } catch (err) {
        lastError = err as Error;
        if (!(err instanceof NatsServerStartError) || !/address already in use/i.test(err.output)) throw err;
      }
    }
    throw lastError ?? new NatsServerStartError('no free port', '');
  } catch (err) {
    bus.remove();
    throw err;
  }
}

interface HarnessBus {
  readonly etc: string;
  readonly config: string;
  credential(role: BusRole | typeof HARNESS_USER): BusCredential;
  /** Removes the directory if the harness made it. */
  remove(): void;
}

/** keel's bus files, as `keel bus init` writes them, plus the harness user. */
function installHarnessBus(etc: string | undefined): HarnessBus {
  const dir = etc ?? mkdtempSync(join(tmpdir(), 'keel-nats-'));
  const files = busFiles(dir);
  const harnessFile = join(files.dir, `${HARNESS_USER}.nk`);
  localBusFiles.privateDir(files.dir);
  const harnessSeed = localBusFiles.read(harnessFile) ?? `${newBusCredentialSeed()}\n`;
  localBusFiles.writePrivate(harnessFile, harnessSeed);
  const harness = parseBusCredential(harnessSeed, harnessFile, HARNESS_USER);
  installBusFiles(dir, {
    serverConfig: readFileSync(join(keelHome(process.env), SHIPPED_NATS_SERVER_CONFIG), 'utf8'),
    extraUsers: [
      { name: HARNESS_USER, publicKey: harness.publicKey, publish: ['>'], subscribe: ['>'], respond: true },
    ],
  });
  return {
    etc: dir,
    config: files.config,
    credential: (role) =>
      role === HARNESS_USER ? harness : loadBusCredentialFile(files.credential(role), role),
    remove: () => {
      if (etc === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startOnce(
  binary: string,
  port: number,
  options: StartNatsServerOptions,
  bus: HarnessBus,
): Promise<NatsServerHandle> {
  // keel's configuration; the address and port given here override its listen line.
  const child = spawn(binary, ['-c', bus.config, '-a', HOST, '-p', String(port), '-m', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      // Never spawned (pid unset) or already gone: nothing to wait for.
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, options.stopTimeoutMs ?? 5000))) {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  const failure = Promise.race([
    exited.then(
      () => new NatsServerStartError(`exited with ${child.exitCode ?? child.signalCode}`, output()),
    ),
    spawnFailed.then((err) => new NatsServerStartError(err.message, output())),
  ]);
  for (;;) {
    const outcome = await Promise.race([speaksNats(port).then((ok) => (ok ? 'ready' : 'retry')), failure]);
    if (outcome === 'ready') {
      const stopAndRemove = () => stop().then(() => bus.remove());
      return {
        url: `nats://${HOST}:${port}`,
        port,
        etc: bus.etc,
        credential: bus.credential,
        stop: stopAndRemove,
      };
    }
    if (outcome instanceof Error) {
      await stop();
      throw outcome;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new NatsServerStartError(`not accepting connections on ${HOST}:${port} in time`, output());
    }
    await delay(25);
  }
}

/** True once a client connection on the port receives the NATS INFO greeting. */
function speaksNats(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: HOST, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('INFO')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

function resolveBinary(explicit: string | undefined): string {
  const wanted = explicit ?? process.env['KEEL_NATS_SERVER'];
  const candidates = wanted
    ? [wanted]
    : [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/bin'].map(
        (dir) => join(dir, 'nats-server'),
      );
  const found = candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new NatsServerNotFoundError(candidates);
  return found;
}

/** Keeps the last few KB of the server's output for error messages. */
function captureOutput(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text.trim();
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
