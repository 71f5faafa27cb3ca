// Scenario (TARGETS R4): node1's heartbeat service restarts. Its replay guard lives in memory
// and starts empty, so node2's packets recorded before the restart — authentic, of node2's
// current incarnation, newer than anything the new guard knows — would be accepted once each,
// in order: a dead peer could look alive, or an old state be believed. They echo node1's
// previous incarnation (wire v2): refused as stale, counted, they change nothing; node2's
// genuine packets are accepted again as soon as node2 has heard node1's new start.
import { decoded, NODE1, NODE2 } from './support/packets';
import { PULSE_MS, TIMEOUT_MS } from './support/fixtures';
import { MODULE, metricValue, startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

let t: TwoNodes;
beforeEach(async () => {
  t = await startTwoNodes();
  t.udp.record();
  await steadyMirror(t);
});
afterEach(() => t.stopAll());

const LANS = ['lan1', 'lan2'] as const;
const rejected = (reason: string) =>
  metricValue(t.node1.registry, 'keel_heartbeat_packets_rejected_total', { module: MODULE, reason });
const accepted = async () => {
  let n = 0;
  for (const lan of LANS)
    n += await metricValue(t.node1.registry, 'keel_heartbeat_packets_received_total', {
      module: MODULE,
      lan,
    });
  return n;
};
const recordedFromNode2 = (lan: 'lan1' | 'lan2') =>
  t.udp.sent.filter((d) => d.from.address === NODE2[lan].address).map((d) => d.bytes);
const replayAll = (recorded: Record<'lan1' | 'lan2', Uint8Array[]>) => {
  let injected = 0;
  for (const lan of LANS) {
    for (const bytes of recorded[lan]) {
      t.udp.inject(NODE1[lan], bytes, NODE2[lan]);
      injected++;
    }
  }
  return injected;
};
const setsOf = (node: TwoNodes['node1'], from: number) =>
  node.admin.resourceSets.slice(from).map((r) => `${r.name}=${r.value}`);

it('refuses the packets recorded before node1 restarted, and hears node2 again', async () => {
  const recorded = { lan1: recordedFromNode2('lan1'), lan2: recordedFromNode2('lan2') };
  const previous = t.node1.service.currentIncarnation;
  // What the attacker holds: node2's current incarnation, each echoing node1's previous start.
  for (const bytes of [...recorded.lan1, ...recorded.lan2]) {
    expect(decoded(bytes)).toMatchObject({
      incarnation: t.node2.service.currentIncarnation,
      echo: previous,
    });
  }
  const node2Sets = t.node2.admin.resourceSets.length;

  await t.restart(t.node1);
  expect(t.node1.service.currentIncarnation).toBeGreaterThan(previous);
  const view = t.node1.service.view(MODULE);
  const published = t.node1.admin.received();
  const node1Sets = t.node1.admin.resourceSets.length;

  // Before node1's admin even tells it its state: the whole recording, in its order.
  const injected = replayAll(recorded);
  await t.clock.advance(0);

  expect(injected).toBeGreaterThan(0);
  expect(await rejected('stale')).toBe(injected);
  expect(await rejected('replay')).toBe(0);
  expect(await accepted()).toBe(0);
  expect(t.node1.admin.received()).toBe(published);
  expect(t.node1.service.view(MODULE)).toEqual(view);
  expect(view?.peers[0]).toMatchObject({
    state: 'UNKNOWN',
    lans: [{ status: 'down' }, { status: 'down' }],
    resources: {},
  });
  // Within a timeout of a start, stale packets are what every start sees: counted, no E line.
  expect(t.node1.admin.logs.filter((l) => l.message.includes('stale heartbeat'))).toEqual([]);

  // The genuine exchange resumes once admin tells the restarted heartbeat its state: node1's
  // packets teach node2 its new incarnation (even while node2's own are still refused), then
  // node2's packets echo it. A bounded wait, in pulses.
  t.node1.admin.setState('PRIM', 'Ready');
  const seesNode2 = () =>
    t.node1.service.view(MODULE)?.peers[0].state === 'SECOND' &&
    t.node2.service.view(MODULE)?.peers[0].incarnation === t.node1.service.currentIncarnation;
  for (let pulses = 0; pulses < 10 && !seesNode2(); pulses++) await t.clock.advance(PULSE_MS);

  expect(t.node1.admin.peer()).toMatchObject({
    state: 'SECOND',
    readiness: 'Ready',
    incarnation: t.node2.service.currentIncarnation,
    lans: [{ status: 'up' }, { status: 'up' }],
  });
  expect(t.node2.admin.peer()).toMatchObject({
    state: 'PRIM',
    incarnation: t.node1.service.currentIncarnation,
  });
  // Settled well within the timeout: node1's LANs went from init to up, node2's never down.
  expect(setsOf(t.node1, node1Sets)).toEqual(['heartbeat.lan1=up', 'heartbeat.flow=up']);
  expect(setsOf(t.node2, node2Sets)).toEqual([]);

  // The recording stays dead once node1 hears node2 again; a timeout after the start it is
  // reported too (a live peer has heard this start by then).
  await t.clock.advance(TIMEOUT_MS);
  const view2 = t.node1.service.view(MODULE);
  const stale = await rejected('stale');
  const received = await accepted();
  const again = replayAll(recorded);
  await t.clock.advance(0);
  expect(await rejected('stale')).toBe(stale + again);
  expect(await rejected('replay')).toBe(0);
  expect(await accepted()).toBe(received);
  expect(t.node1.service.view(MODULE)).toEqual(view2);
  expect(t.node1.admin.logs.at(-1)?.message).toContain('stale heartbeat from node2');
});
