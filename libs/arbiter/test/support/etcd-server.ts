// A real, throw-away etcd (Debian's etcd-server) for medium tests: one member on loopback, free
// ports, its data in a temporary directory. stop() kills it and removes the directory; a process
// exit hook kills it anyway, so a failing suite leaves nothing running.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdHandle {
  /** The client URL, http://127.0.0.1:<port>. */
  readonly endpoint: string;
  readonly pid: number;
  /** Kills etcd and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const BINARIES = ['/usr/bin/etcd', '/usr/local/bin/etcd'];

export class EtcdNotInstalledError extends Error {
  override readonly name = 'EtcdNotInstalledError';
  constructor() {
    super(`etcd not found (searched ${BINARIES.join(', ')}); install it: apt-get install etcd-server`);
  }
}

export async function startEtcd(): Promise<EtcdHandle> {
  const binary = BINARIES.find((b) => {
    try {
      accessSync(b, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!binary) throw new EtcdNotInstalledError();
  const dir = mkdtempSync(join(tmpdir(), 'keel-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const endpoint = `http://${HOST}:${client}`;
  const peerUrl = `http://${HOST}:${peer}`;
  const child = spawn(
    binary,
    [
      '--name=keel-test',
      `--data-dir=${join(dir, 'data')}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=keel-test=${peerUrl}`,
      '--initial-cluster-state=new',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = tail(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  try {
    await untilHealthy(endpoint, exited, output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, pid: child.pid ?? 0, stop };
}

/** Waits until etcd answers /health with a leader (a single member elects itself). */
async function untilHealthy(endpoint: string, exited: Promise<void>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 200; attempt++) {
    if (gone) throw new Error(`etcd exited at start:\n${output()}`);
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`etcd not healthy at ${endpoint}:\n${output()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** The last few KB of etcd's output, for errors. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text.trim();
}
