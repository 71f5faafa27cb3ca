// A port of this machine's loopback forwarded into a lab host's network: socat listens on
// 127.0.0.1:<port> here and, for each connection, runs `ip netns exec <host's netns> socat` to
// the target, so a browser on this machine reaches a lab node's web service (issue 14: the
// console through a documented port forward). Nothing is routed between the machine and the lab:
// only the forwarder's own connections cross, on loopback here and from the lab host there. Its
// pid is kept in the lab's state directory and teardown kills it (teardown.ts).
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createConnection, isIP } from 'node:net';
import { join } from 'node:path';
import { LabError } from './lab-types';
import { procStartTime, signalPid, which } from './system';

export const FORWARDS_FILE = 'forwards';

export interface Forward {
  readonly pid: number;
  /** http://127.0.0.1:<port> style: where this machine reaches it. */
  readonly local: string;
}

/** Starts the forwarder; resolves once its port accepts connections. */
export async function startForward(
  runDir: string,
  netns: string,
  localPort: number,
  target: { address: string; port: number },
): Promise<Forward> {
  if (!Number.isInteger(localPort) || localPort < 1 || localPort > 65535)
    throw new LabError(`forward: local port ${localPort} is not a port`);
  if (!isIP(target.address) || !Number.isInteger(target.port) || target.port < 1 || target.port > 65535)
    throw new LabError(`forward: ${target.address}:${target.port} is not an address and port`);
  const socat = which('socat');
  if (!socat) throw new LabError('forward: socat is not installed (apt-get install socat)');
  // socat's address syntax: a colon inside EXEC's command is escaped.
  const escaped = (target.address.includes(':') ? `[${target.address}]` : target.address).replace(
    /:/g,
    '\\:',
  );
  const child = spawn(
    socat,
    [
      `TCP-LISTEN:${localPort},bind=127.0.0.1,reuseaddr,fork`,
      `EXEC:ip netns exec ${netns} ${socat} STDIO TCP\\:${escaped}\\:${target.port}`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  if (child.pid === undefined) throw new LabError('forward: socat did not start');
  child.unref();
  appendFileSync(join(runDir, FORWARDS_FILE), `${child.pid} ${procStartTime(child.pid) ?? ''}\n`);
  for (let i = 0; i < 100; i += 1) {
    if (await accepts(localPort)) return { pid: child.pid, local: `127.0.0.1:${localPort}` };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  signalPid(child.pid, 'SIGTERM');
  throw new LabError(`forward: nothing listens on 127.0.0.1:${localPort} (is the port taken?)`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Stops the forwarders of a lab (the pid checked against its start time: no reused pid is hit). */
export function stopForwards(runDir: string): void {
  let lines: string[];
  try {
    lines = readFileSync(join(runDir, FORWARDS_FILE), 'utf8').split('\n');
  } catch {
    return;
  }
  for (const line of lines) {
    const [pid, start] = line.split(' ');
    const n = Number(pid);
    if (Number.isInteger(n) && n > 1 && start && procStartTime(n) === start) signalPid(n, 'SIGTERM');
  }
}
