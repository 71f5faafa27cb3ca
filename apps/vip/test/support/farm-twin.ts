// A farm's filter and link side in memory: the nft scripts applied (with what the address twin
// held at that moment, so the order of filter and address shows), the responders running, the
// announcements of the virtual MAC and the interfaces told to prefer their own source address.
// The real kernel is tested by nft-farm-filter.medium.spec.ts, keel-vip and the lab.
import { FarmFilterError, type FarmFilterPort, type FarmFilterTable } from '../../src/ports/farm-filter.port';
import type { FarmLinkPort, FarmResponder } from '../../src/ports/farm-link.port';
import type { AddressTwin } from './address-twin';

export class FarmTwin implements FarmFilterPort, FarmLinkPort {
  /** Every step, in order: `apply <script's first command>`, `remove <module>`, `answer ...`. */
  readonly journal: string[] = [];
  readonly scripts: string[] = [];
  readonly responders = new Set<string>();
  readonly announcedAs: string[] = [];
  readonly ownSource: string[] = [];
  readonly tablesLeft: FarmFilterTable[] = [];
  /** The next scripts are refused by "nft" with this message. */
  refuse: string | undefined;

  constructor(private readonly addresses: AddressTwin) {}

  async apply(script: string): Promise<void> {
    if (this.refuse !== undefined) throw new FarmFilterError('FAILED', this.refuse);
    this.scripts.push(script);
    const first = script.split('\n').find((l) => l !== '' && !l.startsWith('#')) ?? '';
    this.journal.push(`apply ${first} [addresses: ${this.addresses.keelAddresses().join(', ') || 'none'}]`);
  }

  async tables(): Promise<readonly FarmFilterTable[]> {
    return this.tablesLeft;
  }

  async remove(module: string): Promise<void> {
    this.journal.push(`remove ${module} [addresses: ${this.addresses.keelAddresses().join(', ') || 'none'}]`);
  }

  startResponder(ifname: string, addresses: readonly string[], vmac: string): FarmResponder {
    const key = `${ifname} ${addresses.join(',')} at ${vmac}`;
    this.responders.add(key);
    this.journal.push(`answer ${key}`);
    return { stop: () => void (this.responders.delete(key) && this.journal.push(`stop ${key}`)) };
  }

  /** Virtual MACs the cards are told to receive now. */
  readonly holds = new Set<string>();

  /** Every hold taken, released or not. */
  holdsTaken = 0;

  holdUnicast(ifname: string, vmac: string) {
    const key = `${ifname} ${vmac}`;
    this.holdsTaken += 1;
    this.holds.add(key);
    return { release: () => void this.holds.delete(key) };
  }

  async announceAs(ifname: string, addr: string, vmac: string): Promise<void> {
    this.announcedAs.push(`${ifname} ${addr} at ${vmac}`);
  }

  async preferOwnSource(ifname: string): Promise<void> {
    this.ownSource.push(ifname);
    this.journal.push(
      `prefer own source on ${ifname} [addresses: ${this.addresses.keelAddresses().join(', ') || 'none'}]`,
    );
  }

  /** The buckets the last update script of group `set` put in (g0, g1, ...). */
  buckets(set: string): number[] | undefined {
    const script = this.scripts
      .filter((s) => s.includes(`flush set netdev`) && s.includes(` ${set}\n`))
      .at(-1);
    if (!script) return undefined;
    const m = /\{([^}]*)\}/.exec(script);
    return m ? m[1].split(',').map((x) => Number(x.trim())) : [];
  }
}
