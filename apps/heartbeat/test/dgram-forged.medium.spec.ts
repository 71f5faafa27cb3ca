// Medium test (TARGETS R4), real UDP on loopback addresses: an attacker on lan1 without the
// cluster key sends node1 heartbeats in node2's name, signed with another key, from its own
// socket. A forgery is rejected, counted under "bad_mac", and changes nothing; forgeries cannot
// keep node2 alive on a LAN where its own packets are cut (support/lan1-attack.ts).
import { encodePacket } from '../src/wire/codec';
import { OTHER_KEY } from './support/fixtures';
import { attackOnLan1 } from './support/lan1-attack';
import { packet } from './support/packets';

jest.setTimeout(60_000);

/** In node2's name, far ahead of its incarnation, announcing a state node2 is not in. */
const forged = (sequence: number) =>
  encodePacket(packet({ incarnation: 9e12, sequence, state: 'STOP', readiness: 'NotReady' }), OTHER_KEY);

attackOnLan1({
  kind: 'forged',
  reason: 'bad_mac',
  logSays: 'MAC does not match',
  first: () => forged(1),
  // Each newer than the last: none would be refused as a replay.
  next: (_t, i) => forged(1_000 + i),
});
