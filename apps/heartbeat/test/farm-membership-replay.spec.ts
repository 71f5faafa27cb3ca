// Scenario: an attacker on the farm LAN records node2's packets while it is UP (Ready) and sends
// them again after node2 stopped: the others do not take node2 back (the replay guard; the echo
// that refuses packets made before a restart is the mirror heartbeat's, core/echo.ts).
import { settle } from '@keel/testing';
import { address, FARM_PULSE_MS, FarmNodes } from './support/farm-nodes';

let f: FarmNodes;
beforeEach(async () => {
  f = await FarmNodes.start();
  await f.allUp();
});
afterEach(() => f.close());

it("node2's recorded 'ready' packets sent again do not make it a member", async () => {
  f.udp.record();
  await f.clock.advance(2 * FARM_PULSE_MS);
  const recorded = f.udp.sent.filter(
    (d) => d.from.address === address('node2') && d.to.address === address('node1'),
  );
  expect(recorded.length).toBeGreaterThan(0);
  f.nodes.node2.setState('STOP', 'NotReady');
  await f.clock.advance(0);
  await settle();
  expect(f.nodes.node1.view().members).toEqual(['node1', 'node3']);

  for (const d of recorded) f.udp.inject(d.to, d.bytes, d.from);
  await settle();
  expect(f.nodes.node1.view().members).toEqual(['node1', 'node3']);
  expect(f.nodes.node1.share('node2')).toBe(0);
});
