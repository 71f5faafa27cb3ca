// Medium test: a farm leader's responder (startResponder) against the real kernel, through the
// facade. It runs in a child process inside a private network namespace (unshare --net: root
// needed, as for the keel-vip crate's own namespace tests), so the host's links are never
// touched and the namespace ends with the process. The prober is keel's own `conflict`: an
// answer tells which MAC the VIP is at, which must be the virtual one.
import { join } from 'node:path';
import { VIP_ERROR_CODES } from '../src';
import { runInNetns } from './support/run-in-netns';

jest.setTimeout(60_000);

const script = join(__dirname, 'support', 'responder-in-netns.ts');

interface Seen {
  v4: string | null;
  v6: string | null;
  answered: number;
  other: string | null;
  afterStop: string | null;
  answeredAfterStop: number;
  ownMacRefusal: unknown;
}

const inNetns = () => runInNetns<Seen>(script);

describe('the farm responder in a private network namespace', () => {
  let seen: Seen;
  beforeAll(async () => {
    seen = await inNetns();
  });

  it('answers a probe for each VIP, both families, with the virtual MAC', () => {
    expect(seen.v4).toBe('02:4b:56:00:00:09');
    expect(seen.v6).toBe('02:4b:56:00:00:09');
    expect(seen.answered).toBe(2);
  });

  it('answers nothing for another address', () => {
    expect(seen.other).toBeNull();
  });

  it('answers no more once stopped', () => {
    expect(seen.afterStop).toBeNull();
    expect(seen.answeredAfterStop).toBe(2);
  });

  it("refuses the interface's own MAC as the virtual one", () => {
    expect(seen.ownMacRefusal).toBe('BAD_ADDRESS');
    expect(VIP_ERROR_CODES).toContain(seen.ownMacRefusal);
  });
});
