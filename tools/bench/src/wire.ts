// Bytes on the wire of a loopback TCP service, counted by the kernel: an nftables table of the
// bench's own (`inet keel_bench_<pid>`) whose output chain counts, on `lo`, the packets from the
// service's port and to it. Every connection of the service is counted, both directions, with no
// proxy in the path (a proxy would add its own copies to the times measured). The bytes are the IP
// packets' lengths, headers included: what the link carries. The table is deleted with the
// scratch directory.
import { runChecked } from '../../lab/src/system';
import type { Scratch } from './scratch';

export interface Flow {
  readonly packets: number;
  readonly bytes: number;
}

/** Both directions of a service's traffic between two readings. */
export interface Wire {
  /** Packets the client sent to the service's port. */
  readonly toServer: Flow;
  /** Packets the service sent from its port. */
  readonly fromServer: Flow;
  /** Both directions' bytes. */
  readonly bytes: number;
}

export class WireCounters {
  private readonly table = `keel_bench_${process.pid}`;
  private readonly ports = new Set<number>();

  private constructor(private readonly nft: string) {}

  static async create(nft: string, scratch: Scratch): Promise<WireCounters> {
    const w = new WireCounters(nft);
    await w.apply(
      `table inet ${w.table} {\n  chain out {\n    type filter hook output priority 0; policy accept;\n  }\n}\n`,
    );
    scratch.onDestroy(`nft table ${w.table}`, () => w.apply(`delete table inet ${w.table}\n`));
    return w;
  }

  private async apply(script: string): Promise<void> {
    await runChecked(this.nft, ['-f', '-'], { input: script });
  }

  private async counter(name: string): Promise<Flow> {
    const r = await runChecked(this.nft, ['-j', 'list', 'counter', 'inet', this.table, name]);
    const items = (JSON.parse(r.stdout) as { nftables: { counter?: Flow }[] }).nftables;
    const c = items.find((i) => i.counter)?.counter;
    if (!c) throw new Error(`nft: no counter ${name} in table ${this.table}`);
    return { packets: c.packets, bytes: c.bytes };
  }

  /** Counts the port's traffic from now on (a service on a new port). */
  async watch(port: number): Promise<void> {
    if (this.ports.has(port)) return;
    const t = `inet ${this.table}`;
    await this.apply(
      [
        `add counter ${t} from${port}`,
        `add counter ${t} to${port}`,
        `add rule ${t} out oifname "lo" tcp sport ${port} counter name "from${port}"`,
        `add rule ${t} out oifname "lo" tcp dport ${port} counter name "to${port}"`,
        '',
      ].join('\n'),
    );
    this.ports.add(port);
  }

  /** The counts so far; the traffic between two readings is `between(before, after)`. */
  async read(port: number): Promise<Wire> {
    if (!this.ports.has(port)) throw new Error(`port ${port} is not watched`);
    const toServer = await this.counter(`to${port}`);
    const fromServer = await this.counter(`from${port}`);
    return { toServer, fromServer, bytes: toServer.bytes + fromServer.bytes };
  }
}

export function between(before: Wire, after: Wire): Wire {
  const d = (a: Flow, b: Flow): Flow => ({ packets: b.packets - a.packets, bytes: b.bytes - a.bytes });
  const toServer = d(before.toServer, after.toServer);
  const fromServer = d(before.fromServer, after.fromServer);
  return { toServer, fromServer, bytes: toServer.bytes + fromServer.bytes };
}
