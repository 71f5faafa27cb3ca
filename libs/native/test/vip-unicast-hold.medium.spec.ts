// Medium test: holdUnicast, the farm's virtual MAC kept received by a card, against the real
// kernel through the facade. It runs in a child process inside a private network namespace
// (unshare --net: root needed, as for the keel-vip crate's own namespace tests), so the host's
// links are never touched and the namespace ends with the process. The card is a bridge, whose
// unicast list `bridge fdb show` lists and which the kernel makes promiscuous while that list
// is not empty; that frames to the MAC are then received is the keel-vip crate's test
// (tests/unicast.rs), which can send raw frames.
import { join } from 'node:path';
import { VIP_ERROR_CODES } from '../src';
import { runInNetns } from './support/run-in-netns';

jest.setTimeout(60_000);

const script = join(__dirname, 'support', 'unicast-hold-in-netns.ts');

interface Observed {
  listed: boolean;
  promiscuity: number;
}

interface Seen {
  kind: string;
  before: Observed;
  whileHeld: Observed;
  afterRelease: Observed;
  ownMacRefusal: unknown;
  killed: { kind: string; whileAlive: boolean; afterKill: boolean };
}

const inNetns = () => runInNetns<Seen>(script);

describe("the farm's virtual MAC held in a card's filter, in a private network namespace", () => {
  let seen: Seen;
  beforeAll(async () => {
    seen = await inNetns();
  });

  it("puts the MAC in the card's unicast list while held", () => {
    expect(seen.before).toEqual({ listed: false, promiscuity: 0 });
    expect(seen.kind).toBe('unicast');
    expect(seen.whileHeld.listed).toBe(true);
  });

  it('has the kernel make a card without a unicast filter promiscuous meanwhile', () => {
    expect(seen.whileHeld.promiscuity).toBe(1);
  });

  it('gives everything back on release, a second release doing nothing', () => {
    expect(seen.afterRelease).toEqual({ listed: false, promiscuity: 0 });
  });

  it('gives it back when the holding process is killed', () => {
    expect(seen.killed).toEqual({ kind: 'unicast', whileAlive: true, afterKill: false });
  });

  it("refuses the card's own MAC", () => {
    expect(seen.ownMacRefusal).toBe('BAD_ADDRESS');
    expect(VIP_ERROR_CODES).toContain(seen.ownMacRefusal);
  });
});
