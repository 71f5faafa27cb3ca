// A lease arbiter's store in the lab (docs/decisions/0019): one etcd member on a lab host (the
// witness), serving its clients on the host's address on its first LAN, its peer port on the
// host's loopback, its data in the host's private /var/lib/keel: gone with the lab.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, type LabProcess, type SpawnOptions } from './lab-types';
import { which } from './system';

export interface EtcdOptions {
  /** Client port on the host's address (default 2379). */
  readonly port?: number;
  /** LAN whose address it serves on (default: the host's first). */
  readonly lan?: string;
  readonly logFile?: string;
  readonly timeoutMs?: number;
  readonly binary?: string;
  readonly detached?: boolean;
}

export interface EtcdMember {
  readonly process: LabProcess;
  /** http://<address>:<port>: what cluster.xml's <arbiter endpoints> names. */
  readonly endpoint: string;
}

/** What the lab lends the member's start (Lab's own methods). */
export interface EtcdHost {
  address(host: string, lan?: string): string;
  hostDir(host: string): string;
  spawn(host: string, argv: readonly string[], options: SpawnOptions): Promise<LabProcess>;
  exec(
    host: string,
    argv: readonly string[],
    options: { timeoutMs: number },
  ): Promise<{ code: number | null }>;
}

/** Asks /health from inside the host until etcd says it has a leader, or the bound ends (exit 1). */
const HEALTH_SCRIPT = `
const [url, timeoutMs] = process.argv.slice(1);
const deadline = Date.now() + Number(timeoutMs);
(async () => {
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url + '/health', { signal: AbortSignal.timeout(1000) });
      if ((await r.json()).health === 'true') process.exit(0);
    } catch {}
    await new Promise((res) => setTimeout(res, 100));
  }
  process.exit(1);
})();
`;

export async function startEtcd(lab: EtcdHost, host: string, options: EtcdOptions = {}): Promise<EtcdMember> {
  const binary = options.binary ?? process.env['KEEL_ETCD'] ?? which('etcd', ['/usr/bin/etcd']);
  if (!binary) throw new LabError('etcd not found; install it: apt-get install etcd-server');
  const address = lab.address(host, options.lan);
  const endpoint = `http://${address}:${options.port ?? 2379}`;
  const peer = 'http://127.0.0.1:2380';
  const logFile = options.logFile ?? join(lab.hostDir(host), 'etcd.log');
  const process_ = await lab.spawn(
    host,
    [
      binary,
      `--name=${host}`,
      // The host's private /var/lib/keel (bind-mounted from the lab's directory).
      '--data-dir=/var/lib/keel/etcd',
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${host}=${peer}`,
      '--initial-cluster-state=new',
    ],
    { logFile, ...(options.detached ? { detached: true } : {}) },
  );
  const timeoutMs = options.timeoutMs ?? 20_000;
  const health = await lab.exec(host, [process.execPath, '-e', HEALTH_SCRIPT, endpoint, String(timeoutMs)], {
    timeoutMs: timeoutMs + 10_000,
  });
  if (health.code !== 0) {
    process_.kill('SIGKILL');
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      // no log
    }
    throw new LabError(`${host}: etcd did not become healthy at ${endpoint}\n${log}`);
  }
  return { process: process_, endpoint };
}
