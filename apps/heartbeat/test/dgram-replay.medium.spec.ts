// Medium test (TARGETS R4), real UDP on loopback addresses: an attacker on lan1 captures
// heartbeats node2 really sent and node1 accepted (at the tap they pass through), and sends the
// very same bytes again from its own socket. A replay is rejected, counted under "replay", and
// changes nothing; it does not refresh the time node2 was last heard on the LAN, so replays
// cannot keep node2 alive there (support/lan1-attack.ts).
import { freshForwarded } from './support/dgram-pair';
import { attackOnLan1 } from './support/lan1-attack';

jest.setTimeout(60_000);

attackOnLan1({
  kind: 'replayed',
  reason: 'replay',
  logSays: 'replayed heartbeat from node2',
  // The latest genuine packet, the one node1 accepted last; then all it accepted, in their order
  // (those node2 sent before it had heard node1 were refused as stale, not as replays).
  first: (t) => t.tap.forwarded.at(-1)!,
  next: (t, i) => {
    const accepted = freshForwarded(t);
    return accepted[i % accepted.length];
  },
});
