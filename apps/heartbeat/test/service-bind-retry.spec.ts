// Scenario: at start, node1's address on lan2 is not up yet (interface still coming up). The
// service starts anyway, reports it, and binds the socket when the address appears.
import { PULSE_MS, TIMEOUT_MS } from './support/fixtures';
import { startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
afterEach(() => t.stopAll());

it('retries binding until the address exists, then the LAN comes up', async () => {
  t = await startTwoNodes({ service: { bindRetryMs: 1_000 } });
  // The harness started both services already: restart node1 with its lan2 address missing.
  t.udp.refuseBind('10.0.2.1');
  await t.restart(t.node1);
  await steadyMirror(t);
  await t.clock.advance(TIMEOUT_MS + PULSE_MS);
  expect(t.node1.admin.heartbeat('lan1')).toBe('up');
  expect(t.node1.admin.heartbeat('flow')).toBe('down');
  expect(
    t.node1.sink
      .records()
      .some((r) => r['msg'] === 'cannot open the heartbeat socket; retrying' && r['lan'] === 'lan2'),
  ).toBe(true);

  t.udp.allowBind('10.0.2.1');
  await t.clock.advance(1_000 + PULSE_MS);
  expect(t.node1.admin.heartbeat('flow')).toBe('up');
  expect(t.node2.admin.heartbeat('flow')).toBe('up');
});
