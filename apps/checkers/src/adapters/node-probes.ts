// The probes on the real node: a TCP connection, a module's health probe over HTTP, an ICMP echo by iputils' ping (by its absolute
// path, never looked up in a PATH), an interface's carrier from sysfs, an address among this
// network namespace's (rtnetlink, through keel-vip: Node's own list leaves out the addresses of
// an interface without carrier, which is what the interface checker must tell apart).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, isIP } from 'node:net';
import { canonicalAddress } from '@keel/config';
import { keelAddresses } from '@keel/native';
import type { ProbeTarget } from '../core/plan';
import type { ProbePort, ProbeResult } from '../ports/probe.port';

const PING = '/usr/bin/ping';
const OK: ProbeResult = { ok: true };
const fail = (reason: string): ProbeResult => ({ ok: false, reason });

export const nodeProbes: ProbePort = {
  probe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
    switch (target.kind) {
      case 'tcp':
        return tcpConnect(target.addr, target.port, timeoutMs);
      case 'ping':
        return ping(target.addr, timeoutMs);
      case 'intf':
        return Promise.resolve(carrier(target.localAddr));
      case 'ip':
        return Promise.resolve(
          interfaceOf(target.addr) ? OK : fail(`${target.addr} is not configured on this node`),
        );
      case 'ready':
        return ready(target.url, timeoutMs);
    }
  },
};

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => done(fail(`no connection to ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => done(OK));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(fail(`connection to ${host}:${port} failed: ${err.code ?? err.message}`)),
    );
  });
}

/** A health probe: 200 is ready, anything else (404 NOT FOUND, no answer) is not. */
async function ready(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await r.body?.cancel();
    return r.status === 200 ? OK : fail(`${url} answered ${r.status}`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return fail(`${url} did not answer: ${cause ?? (err as Error).message}`);
  }
}

function ping(addr: string, timeoutMs: number): Promise<ProbeResult> {
  // An option-like "address" must never reach ping as an option.
  if (addr.startsWith('-')) return Promise.resolve(fail(`${addr} is not an address`));
  const seconds = String(Math.max(timeoutMs, 100) / 1000);
  return new Promise((resolve) => {
    execFile(
      PING,
      ['-n', '-q', '-c', '1', '-W', seconds, '--', addr],
      { timeout: timeoutMs + 1_000, env: { LC_ALL: 'C' } },
      (err) => resolve(err ? fail(`${addr} does not answer ping within ${timeoutMs} ms`) : OK),
    );
  });
}

/** The interface holding `addr` in this network namespace, if any. */
function interfaceOf(addr: string): string | undefined {
  const want = isIP(addr) ? canonicalAddress(addr) : undefined;
  if (want === undefined) return undefined;
  return keelAddresses().find((a) => canonicalAddress(a.addr) === want)?.ifname;
}

function carrier(localAddr: string): ProbeResult {
  const ifname = interfaceOf(localAddr);
  if (!ifname) return fail(`no interface holds ${localAddr}`);
  try {
    return readFileSync(`/sys/class/net/${ifname}/carrier`, 'utf8').trim() === '1'
      ? OK
      : fail(`link of ${ifname} is down`);
  } catch (err) {
    // EINVAL: the interface is administratively down.
    return fail(`link of ${ifname} is down (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}
