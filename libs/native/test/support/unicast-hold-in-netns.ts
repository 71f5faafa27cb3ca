// Run by vip-unicast-hold.medium.spec.ts inside a network namespace of its own (`unshare --net`),
// as a process: a jest worker cannot leave the host's namespace. Through the facade only:
// holdUnicast on a bridge. The kernel lists the MAC in its unicast list (`bridge fdb show`, a
// `self permanent` entry) and, a bridge having no unicast filter (no IFF_UNICAST_FLT), counts
// one holder of its promiscuity: the bridge then passes frames to that MAC up instead of only
// flooding them to its other ports (the keel-vip crate's `tests/unicast.rs` sends such frames).
// Prints what it saw as one JSON object; the spec judges it. With `hold <ifname> <mac>`, it
// holds the MAC, prints the kind and waits to be killed.
import { execFileSync, spawn } from 'node:child_process';
import { holdUnicast } from '../../src';

export const VMAC = '02:4b:56:00:00:09';

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8' });
}

/** Whether `mac` is in `ifname`'s unicast address list. */
function listed(ifname: string): boolean {
  return run('bridge', 'fdb', 'show', 'dev', ifname)
    .split('\n')
    .some((line) => line.trim() === `${VMAC} self permanent`);
}

/** The kernel's count of holders of `ifname`'s promiscuity. */
function promiscuity(ifname: string): number {
  const count = /promiscuity (\d+)/.exec(run('ip', '-d', 'link', 'show', 'dev', ifname))?.[1];
  return Number(count);
}

function observe(ifname: string): { listed: boolean; promiscuity: number } {
  return { listed: listed(ifname), promiscuity: promiscuity(ifname) };
}

/**
 * A second process holding the MAC, killed with SIGKILL once it holds it: what the kernel
 * gives back when keel dies without releasing. Its exit is reported after its descriptors are
 * closed, so the observation after it is the kernel's final word.
 */
async function killedHolder(
  ifname: string,
): Promise<{ kind: string; whileAlive: boolean; afterKill: boolean }> {
  const child = spawn(
    process.execPath,
    ['--require', 'ts-node/register/transpile-only', __filename, 'hold', ifname, VMAC],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const kind = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${String(code)}) before holding`)));
  });
  const whileAlive = listed(ifname);
  child.kill('SIGKILL');
  await exited;
  return { kind, whileAlive, afterKill: listed(ifname) };
}

async function main(): Promise<void> {
  run('ip', 'link', 'add', 'uh-a', 'type', 'veth', 'peer', 'name', 'uh-b');
  run('ip', 'link', 'add', 'uh-br', 'type', 'bridge');
  run('ip', 'link', 'set', 'uh-a', 'master', 'uh-br');
  run('ip', 'link', 'set', 'uh-br', 'up');
  const ownMac = /link\/ether ([0-9a-f:]{17})/.exec(run('ip', 'link', 'show', 'uh-br'))?.[1];
  const before = observe('uh-br');
  const held = holdUnicast('uh-br', VMAC);
  const whileHeld = observe('uh-br');
  held.release();
  held.release();
  const afterRelease = observe('uh-br');
  let ownMacRefusal: unknown;
  try {
    holdUnicast('uh-br', ownMac ?? '');
  } catch (err) {
    ownMacRefusal = (err as { code?: unknown }).code;
  }
  const killed = await killedHolder('uh-br');
  process.stdout.write(
    JSON.stringify({ kind: held.kind, before, whileHeld, afterRelease, ownMacRefusal, killed }),
  );
}

if (process.argv[2] === 'hold') {
  const held = holdUnicast(process.argv[3] ?? '', process.argv[4] ?? '');
  process.stdout.write(`${held.kind}\n`);
  // Held until killed: the timer keeps the event loop, and so the process, alive.
  setInterval(() => undefined, 60_000);
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
