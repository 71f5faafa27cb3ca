// Scenario: node2's heartbeat service restarts (a reboot of node2, or keel restarted there). Its
// first packets echo 0 (it has not heard node1 since its start) and node1 refuses them as stale
// until node2 has heard node1: counted, but an ordinary event, so node1's module log gets no E
// line for them. node1 then hears node2's new start.
import { PULSE_MS, TIMEOUT_MS } from './support/fixtures';
import { MODULE, metricValue, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
beforeEach(async () => {
  t = await startTwoNodes();
  await steadyMirror(t);
  // Well past node1's own start: only the echo can make node2's stale packets ordinary.
  await t.clock.advance(TIMEOUT_MS);
});
afterEach(() => t.stopAll());

it("a restarted peer's first packets are refused as stale without an E line, then heard", async () => {
  const previous = t.node2.service.currentIncarnation;
  const logs = t.node1.admin.logs.length;
  await t.restart(t.node2);
  t.node2.admin.setState('SECOND', 'Ready');
  const heard = () => t.node1.admin.peer()?.incarnation === t.node2.service.currentIncarnation;
  for (let pulses = 0; pulses < 10 && !heard(); pulses++) await t.clock.advance(PULSE_MS);

  expect(t.node2.service.currentIncarnation).toBeGreaterThan(previous);
  expect(t.node1.admin.peer()).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
  expect(heard()).toBe(true);
  const stale = await metricValue(t.node1.registry, 'keel_heartbeat_packets_rejected_total', {
    module: MODULE,
    reason: 'stale',
  });
  expect(stale).toBeGreaterThan(0);
  expect(t.node1.admin.logs.slice(logs).filter((l) => l.message.includes('stale'))).toEqual([]);
});
