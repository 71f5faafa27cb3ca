// What the VIP scenarios watch, every 10 ms, from processes inside the lab hosts (so a sample is a
// file read or a connect, not a process start): on each node, whether its kernel holds the VIP as
// a local address (IPv4: /proc/net/fib_trie of its network namespace, IPv6: /proc/net/if_inet6);
// on the client, whether a TCP connection to the VIP succeeds. The holders log their changes, the
// client every attempt, with Date.now(): one clock for all.
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import type { Lab } from './lab';

const HOLDER = `
const fs = require('fs');
const [file, pattern] = process.argv.slice(1);
const local = new RegExp(pattern, 'm');
let held, lastHeld = 0;
setInterval(() => {
  const now = Date.now();
  const h = local.test(fs.readFileSync(file, 'utf8'));
  if (h !== held) console.log(JSON.stringify({ at: now, held: h, lastHeld }));
  if (h) lastHeld = now;
  held = h;
}, 10);
`;

const PROBE = `
const net = require('net');
const [addr, port, refusedIsUp] = process.argv.slice(1);
setInterval(() => {
  const at = Date.now();
  const s = net.connect({ host: addr, port: Number(port), timeout: 200 });
  const done = (ok) => {
    s.destroy();
    console.log(JSON.stringify({ at, up: ok }));
  };
  s.once('connect', () => done(true));
  s.once('timeout', () => done(false));
  s.once('error', (e) => done(refusedIsUp === '1' && e.code === 'ECONNREFUSED'));
}, 10);
`;

/**
 * What the client's attempts ask of the VIP: `application` (the default) counts a connection to the
 * application's port; `address` counts any answer of the holder's kernel, a refusal (RST) from a
 * closed port included, so it measures the address alone, whatever the application does.
 */
export type ProbeKind =
  { readonly kind: 'application'; readonly port: number } | { readonly kind: 'address' };

/** A port nothing listens on in the labs (TCP discard): the holder's kernel answers with a reset. */
const CLOSED_PORT = 9;

/** Where a node's kernel lists its local addresses, and the line that says it holds `addr`. */
function localAddressPattern(addr: string): [string, string] {
  if (!isIPv6(addr))
    return ['/proc/net/fib_trie', `\\|-- ${addr.replace(/\./g, '\\.')}\\n\\s+/32 host LOCAL`];
  return ['/proc/net/if_inet6', `^${expand6(addr)} `];
}

/** 2001:2::10 -> 20010002000000000000000000000010, as /proc/net/if_inet6 writes it. */
function expand6(addr: string): string {
  const [head = '', tail = ''] = addr.split('::');
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = addr.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return all.map((g) => g.padStart(4, '0')).join('');
}

interface HeldChange {
  readonly at: number;
  readonly held: boolean;
  /** When it was last seen held, before this change. */
  readonly lastHeld: number;
}

/** One connection attempt of the client: when it began, and whether it connected. */
interface ProbeChange {
  readonly at: number;
  readonly up: boolean;
}

function lines<T>(file: string): T[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);
}

/**
 * Watches a virtual IP in a lab: which of `nodes` hold it, and whether `client` is answered on it
 * (see ProbeKind), each sampled every 10 ms by a process of its own in the host.
 */
export class VipWatch {
  private constructor(
    private readonly lab: Lab,
    private readonly files: { holders: Record<string, string>; probe: string },
  ) {}

  static async start(
    lab: Lab,
    nodes: readonly string[],
    addr: string,
    client: string,
    probe: ProbeKind = { kind: 'application', port: 8080 },
  ): Promise<VipWatch> {
    const dir = lab.plan.runDir;
    const holders = Object.fromEntries(nodes.map((n) => [n, join(dir, `vip-held-${n}.log`)]));
    const [file, pattern] = localAddressPattern(addr);
    for (const node of nodes)
      await lab.spawn(node, ['node', '-e', HOLDER, file, pattern], { logFile: holders[node] });
    const log = join(dir, 'vip-probe.log');
    const args = probe.kind === 'address' ? [String(CLOSED_PORT), '1'] : [String(probe.port), '0'];
    await lab.spawn(client, ['node', '-e', PROBE, addr, ...args], { logFile: log });
    const watch = new VipWatch(lab, { holders, probe: log });
    // Each watcher has written its first sample: `held` before that would read false.
    const until = Date.now() + 20_000;
    while (!watch.sampling()) {
      if (Date.now() > until) throw new Error('the VIP watchers did not start within 20 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    return watch;
  }

  private sampling(): boolean {
    return (
      Object.values(this.files.holders).every((f) => lines(f).length > 0) &&
      lines(this.files.probe).length > 0
    );
  }

  /** Whether the node held the VIP at its last sample. */
  held(node: string): boolean {
    return lines<HeldChange>(this.holderFile(node)).at(-1)?.held ?? false;
  }

  /** The client's attempts, in the order they began. */
  private attempts(): ProbeChange[] {
    return lines<ProbeChange>(this.files.probe).sort((a, b) => a.at - b.at);
  }

  /** Waits (bounded) until the client's connections to the VIP succeed, and since when. */
  async answeredSince(seconds = 20): Promise<number> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const last = this.attempts().at(-1);
      if (last?.up) return last.at;
      if (Date.now() > until) throw new Error(`the client's connections to the VIP fail since ${last?.at}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * The client's outages since `from`, in ms: each run of attempts that failed, from the first of
   * them to the next that succeeded (by when they began, one every 10 ms).
   */
  outagesSince(from: number): number[] {
    const out: number[] = [];
    let down: number | undefined;
    for (const c of this.attempts().filter((a) => a.at >= from)) {
      if (!c.up) down ??= c.at;
      else if (down !== undefined) {
        out.push(c.at - down);
        down = undefined;
      }
    }
    return out;
  }

  /**
   * The instants two nodes held the VIP at once: a node's holding runs from the first sample that
   * saw it to the last one that did, so a late sample never makes an overlap up.
   */
  overlaps(): string[] {
    const spans = (node: string) => {
      const out: { from: number; to: number }[] = [];
      let from: number | undefined;
      for (const c of lines<HeldChange>(this.holderFile(node))) {
        if (c.held) from = c.at;
        else if (from !== undefined) {
          out.push({ from, to: c.lastHeld });
          from = undefined;
        }
      }
      if (from !== undefined) out.push({ from, to: Infinity });
      return out;
    };
    const nodes = Object.keys(this.files.holders);
    return nodes.flatMap((n, i) =>
      nodes.slice(i + 1).flatMap((m) =>
        spans(n).flatMap((x) =>
          spans(m)
            .filter((y) => x.from <= y.to && y.from <= x.to)
            .map((y) => `${n} ${x.from}-${x.to} / ${m} ${y.from}-${y.to}`),
        ),
      ),
    );
  }

  private holderFile(node: string): string {
    const file = this.files.holders[node];
    if (!file) throw new Error(`${node} is not watched`);
    return file;
  }

  /** The MAC the client's neighbour table gives for the VIP, and a node's own MAC on the LAN. */
  async clientNeighbour(client: string, addr: string): Promise<string | undefined> {
    const r = await this.lab.exec(client, ['ip', '-j', 'neigh', 'show', addr]);
    const entries = JSON.parse(r.stdout || '[]') as { lladdr?: string }[];
    return entries[0]?.lladdr;
  }

  async mac(node: string, ifname = 'eth0'): Promise<string> {
    const r = await this.lab.exec(node, ['cat', `/sys/class/net/${ifname}/address`]);
    return r.stdout.trim();
  }
}
