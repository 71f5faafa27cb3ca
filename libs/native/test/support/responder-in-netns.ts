// Run by vip-responder.medium.spec.ts inside a network namespace of its own (`unshare --net`),
// as a process: a jest worker cannot leave the host's namespace. Through the facade only: a
// responder on rsp-a, and keel's own probe (`conflict`, an RFC 5227 ARP probe or a duplicate
// address detection solicitation) from rsp-b, the far end of a veth pair, as the client asking
// who holds the VIP. Prints what it saw as one JSON object; the spec judges it.
import { execFileSync } from 'node:child_process';
import { announceAs, conflict, startResponder, type Responder } from '../../src';

export const VMAC = '02:4b:56:00:00:09';
export const VIP4 = '198.18.40.10';
export const VIP6 = '2001:2::40:10';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

/**
 * Bounded retries until `ifname` carries frames: its carrier on and its queue attached (until the
 * kernel's link watch has done that, asynchronously, the queue is `noop` and drops every frame).
 */
async function ready(ifname: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const out = ip('link', 'show', 'dev', ifname);
    if (out.includes('LOWER_UP') && !out.includes('qdisc noop')) return;
    await new Promise((done) => setTimeout(done, 5));
  }
  throw new Error(`${ifname} never became ready to carry frames`);
}

/** The reply can reach the prober before the responder has counted it: bounded retries. */
async function answeredReaches(r: Responder, n: number): Promise<number> {
  for (let i = 0; i < 1000 && r.answered() < n; i++) await new Promise((done) => setTimeout(done, 5));
  return r.answered();
}

async function main(): Promise<void> {
  ip('link', 'add', 'rsp-a', 'type', 'veth', 'peer', 'name', 'rsp-b');
  ip('link', 'set', 'rsp-a', 'up');
  ip('link', 'set', 'rsp-b', 'up');
  await ready('rsp-a');
  await ready('rsp-b');
  const ownMac = /link\/ether ([0-9a-f:]{17})/.exec(ip('link', 'show', 'rsp-a'))?.[1];
  const r = startResponder('rsp-a', [VIP4, VIP6], VMAC);
  const v4 = await conflict('rsp-b', VIP4, 10_000);
  const v6 = await conflict('rsp-b', VIP6, 10_000);
  const answered = await answeredReaches(r, 2);
  // Not a VIP: nobody answers within the probe's wait.
  const other = await conflict('rsp-b', '198.18.40.11', 300);
  announceAs('rsp-a', VIP4, VMAC);
  r.stop();
  r.stop();
  const afterStop = await conflict('rsp-b', VIP4, 300);
  let ownMacRefusal: unknown;
  try {
    startResponder('rsp-a', [VIP4], ownMac ?? '');
  } catch (err) {
    ownMacRefusal = (err as { code?: unknown }).code;
  }
  process.stdout.write(
    JSON.stringify({ v4, v6, answered, other, afterStop, answeredAfterStop: r.answered(), ownMacRefusal }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
