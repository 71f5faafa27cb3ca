// Medium test (TARGETS R4), real UDP on 127.0.0.1: an attacker on the LAN captures a heartbeat
// node2 really sent, which node1 has already accepted, and sends the very same bytes again
// from its own socket. The replay is rejected, counted under reason "replay", and changes
// nothing: not the view heartbeat publishes, not the per-LAN resources, not the liveness (a
// replay does not refresh the time node2 was last heard on the LAN).
import 'reflect-metadata';
import {
  attacker,
  MODULE,
  sendEvery,
  startLoopbackPair,
  type Attacker,
  type LoopbackPair,
} from './support/loopback-pair';

jest.setTimeout(60_000);

const PULSE_MS = 100;

let t: LoopbackPair;
let mallory: Attacker;

beforeAll(async () => {
  // A timeout well above the few steps of the first test: lan1 stays up through them while
  // node2's lan1 packets are cut, so whatever changes there would be the replay's doing.
  t = await startLoopbackPair({ pulse: `${PULSE_MS}ms`, timeout: '3s' });
  mallory = await attacker();
  await t.steady();
});

afterAll(async () => {
  await mallory?.close();
  await t?.stop();
});

const rejected = (reason: string) =>
  t.node1.metric('keel_heartbeat_packets_rejected_total', { module: MODULE, reason });
const genuineOnLan1 = () => t.nat.receivedFrom('node1', 'node2', 'lan1');
const fromMallory = () => t.nat.received('node1', 'lan1').filter((a) => a.from.port === mallory.local.port);

it('rejects a captured genuine packet sent again, counts it, and changes nothing', async () => {
  const { node1 } = t;
  // node2's own lan1 packets stop here, so the replay is the only thing node1 hears on lan1.
  await t.cutNode2('lan1');
  const genuine = genuineOnLan1();
  const captured = genuine[genuine.length - 1].bytes;
  const before = await t.snapshot(node1);
  // Every genuine packet, the captured one included, was delivered and accepted once.
  expect(before.received).toBe(genuine.length);
  expect(await rejected('replay')).toBe(0);

  await mallory.send(captured, t.nat.endpoint('node1', 'lan1'));
  // The service reports the rejection on the bus once it has counted it: the event to wait for.
  await t.until('the replay reported in the module log', () => node1.admin.logs.length > before.logs);

  expect(fromMallory().map((a) => a.bytes)).toEqual([captured]);
  expect(await rejected('replay')).toBe(1);
  for (const reason of ['bad_mac', 'malformed', 'unknown_sender', 'wrong_module', 'wrong_lan'])
    expect(await rejected(reason)).toBe(0);
  expect(node1.admin.logs.at(-1)?.message).toContain('replayed heartbeat from node2');

  const after = await t.snapshot(node1);
  expect(after.received).toBe(before.received);
  expect(after.view).toEqual(before.view);
  expect(after.view?.peers[0]).toMatchObject({ state: 'SECOND', readiness: 'Ready', resources: {} });
  expect(after.lanUp).toEqual({ lan1: 1, lan2: 1 });
  expect(after.remoteKnown).toBe(1);

  // What node1 publishes when asked again is what it published before the replay, and it
  // published nothing in between.
  const again = await t.republish(node1);
  expect(again.view).toEqual(before.published);
  expect(again.view).toEqual(before.view);
  expect(node1.admin.views.slice(before.views)).toEqual([again.view]);
  expect(again.sets.map((s) => [s.name, s.value])).toEqual([
    ['heartbeat.lan1', 'up'],
    ['heartbeat.flow', 'up'],
  ]);
  expect(node1.admin.sets.slice(before.sets)).toEqual(again.sets);
});

it('does not let replayed packets keep node2 alive on a cut LAN', async () => {
  const { node1 } = t;
  // Fresh genuine packets first: lan1 up again and the replay guard at node2's latest.
  t.nat.mend('node2', 'lan1');
  const heard = genuineOnLan1().length;
  await t.until(
    'node1 hears node2 on lan1 again',
    () => genuineOnLan1().length > heard && node1.admin.heartbeat('lan1') === 'up',
  );
  await t.cutNode2('lan1');
  const recorded = genuineOnLan1().map((a) => a.bytes);
  const before = await t.snapshot(node1);
  const replaysBefore = await rejected('replay');
  const malloryBefore = fromMallory().length;

  // Played back in their original order, one a pulse, more often than the timeout: had one
  // refreshed the time node2 was last heard on lan1, heartbeat.lan1 could never go down.
  let i = 0;
  const replaying = sendEvery(
    mallory,
    t.nat.endpoint('node1', 'lan1'),
    PULSE_MS,
    () => recorded[i++ % recorded.length],
  );
  let sent: number;
  try {
    await t.until('heartbeat.lan1 down despite the replays', () => node1.admin.heartbeat('lan1') === 'down');
  } finally {
    sent = replaying.stop();
  }
  await t.until('node1 handled every replay', () => fromMallory().length === malloryBefore + sent);

  expect(sent).toBeGreaterThan(0);
  expect(await rejected('replay')).toBe(replaysBefore + sent);
  const after = await t.snapshot(node1);
  expect(after.received).toBe(before.received);
  // lan2 still carries node2's genuine packets: only lan1 went down, node2 is still known.
  expect(node1.admin.heartbeat('flow')).toBe('up');
  expect(after.view?.peers[0]).toMatchObject({
    state: 'SECOND',
    readiness: 'Ready',
    lans: [
      { name: 'lan1', status: 'down' },
      { name: 'lan2', status: 'up' },
    ],
  });
  expect(after.lanUp).toEqual({ lan1: 0, lan2: 1 });
});
