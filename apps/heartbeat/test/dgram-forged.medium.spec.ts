// Medium test (TARGETS R4), real UDP on 127.0.0.1: an attacker on the LAN without the cluster
// key sends node1 heartbeats in node2's name (signed with another key) from its own socket.
// They are rejected, counted under reason "bad_mac", and change nothing: not the view heartbeat
// publishes, not the per-LAN resources, not the liveness (they cannot keep node2 alive).
import 'reflect-metadata';
import { encodePacket } from '../src/wire/codec';
import { OTHER_KEY } from './support/fixtures';
import {
  attacker,
  MODULE,
  sendEvery,
  startLoopbackPair,
  type Attacker,
  type LoopbackPair,
} from './support/loopback-pair';
import { packet } from './support/packets';

jest.setTimeout(60_000);

const PULSE_MS = 100;

let t: LoopbackPair;
let mallory: Attacker;

beforeAll(async () => {
  // A timeout well above the few steps of the first test: lan1 stays up through them while
  // node2's lan1 packets are cut, so whatever changes there would be the forgery's doing.
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
/** In node2's name, far ahead of its incarnation, announcing a state node2 is not in. */
const forged = (sequence: number) =>
  encodePacket(packet({ incarnation: 9e12, sequence, state: 'STOP', readiness: 'NotReady' }), OTHER_KEY);

it('rejects a forged packet sent from a real socket, counts it, and changes nothing', async () => {
  const { node1 } = t;
  // node2's own lan1 packets stop here, so the forgery is the only thing node1 hears on lan1.
  await t.cutNode2('lan1');
  const before = await t.snapshot(node1);
  expect(before.received).toBe(t.nat.receivedFrom('node1', 'node2', 'lan1').length);

  await mallory.send(forged(1), t.nat.endpoint('node1', 'lan1'));
  // The service reports the rejection on the bus once it has counted it: the event to wait for.
  await t.until('the forgery reported in the module log', () => node1.admin.logs.length > before.logs);

  expect(await rejected('bad_mac')).toBe(1);
  for (const reason of ['replay', 'malformed', 'unknown_sender', 'wrong_module', 'wrong_lan'])
    expect(await rejected(reason)).toBe(0);
  expect(node1.admin.logs.at(-1)?.message).toContain('MAC does not match');
  expect(node1.admin.peer()?.state).toBe('SECOND');

  const after = await t.snapshot(node1);
  expect(after.received).toBe(before.received);
  expect(after.view).toEqual(before.view);
  expect(after.view?.peers[0]).toMatchObject({ state: 'SECOND', readiness: 'Ready', resources: {} });
  expect(after.lanUp).toEqual({ lan1: 1, lan2: 1 });
  expect(after.remoteKnown).toBe(1);

  // What node1 publishes when asked again is what it published before the forgery, and it
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

it('does not let forged packets keep node2 alive on a cut LAN', async () => {
  const { node1 } = t;
  // Fresh genuine packets first, so lan1 is up when the forgeries take over.
  t.nat.mend('node2', 'lan1');
  const heard = t.nat.receivedFrom('node1', 'node2', 'lan1').length;
  await t.until(
    'node1 hears node2 on lan1 again',
    () =>
      t.nat.receivedFrom('node1', 'node2', 'lan1').length > heard && node1.admin.heartbeat('lan1') === 'up',
  );
  await t.cutNode2('lan1');
  const before = await t.snapshot(node1);
  const forgedBefore = await rejected('bad_mac');
  const fromMallory = () =>
    t.nat.received('node1', 'lan1').filter((a) => a.from.port === mallory.local.port).length;
  const malloryBefore = fromMallory();

  // One a pulse, each newer than the last, more often than the timeout: had one been taken
  // for node2, heartbeat.lan1 could never go down.
  let sequence = 1_000;
  const forging = sendEvery(mallory, t.nat.endpoint('node1', 'lan1'), PULSE_MS, () => forged(sequence++));
  let sent: number;
  try {
    await t.until(
      'heartbeat.lan1 down despite the forgeries',
      () => node1.admin.heartbeat('lan1') === 'down',
    );
  } finally {
    sent = forging.stop();
  }
  await t.until('node1 handled every forgery', () => fromMallory() === malloryBefore + sent);

  expect(sent).toBeGreaterThan(0);
  expect(await rejected('bad_mac')).toBe(forgedBefore + sent);
  const after = await t.snapshot(node1);
  expect(after.received).toBe(before.received);
  // lan2 still carries node2's genuine packets: only lan1 went down, node2 is still SECOND.
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
