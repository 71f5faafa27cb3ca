// The scenario of dgram-forged and dgram-replay (medium tests, TARGETS R4; snapshot and
// republish also serve dgram-receiver-restart): with node2's lan1
// packets cut at the tap, mallory sends node1 packets node1 must refuse. Each is rejected,
// counted under its reason alone, logged, and changes nothing: not the view heartbeat publishes,
// not the per-LAN resources, not the liveness (sent once a pulse, they cannot keep lan1 up).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { codecs, subjects } from '@keel/bus';
import { REJECT_REASONS, type RejectReason } from '../../src/wire/errors';
import {
  ADDR,
  freshForwarded,
  metric,
  service,
  startPair,
  steady,
  waitFor,
  type Pair,
  type PairNode,
} from './dgram-pair';
import { PULSE_MS } from './fixtures';
import { MODULE } from './two-nodes';

export interface Lan1Attack {
  readonly kind: string; // "forged", "replayed": in the test names
  readonly reason: RejectReason;
  readonly logSays: string; // what node1's module log says of the first one
  first(t: Pair): Uint8Array; // sent alone, in the first test
  next(t: Pair, i: number): Uint8Array; // the i-th sent once a pulse, in the second test
}

const NONE = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0]));
const accepted = (node: PairNode) => metric(node, 'keel_heartbeat_packets_received_total', { lan: 'lan1' });
const rejectedAs = (node: PairNode, reason: string) =>
  metric(node, 'keel_heartbeat_packets_rejected_total', { reason });

export function attackOnLan1(attack: Lan1Attack): void {
  let t: Pair;
  const send = (bytes: Uint8Array) => t.mallory.send(bytes, t.port, ADDR.node1.lan1);

  beforeAll(async () => {
    // A timeout well above the few steps of the first test: lan1 stays up through them while
    // node2's lan1 packets are cut, so whatever changes there would be the attack's doing.
    t = await startPair('3s');
    await steady(t);
  });

  afterAll(() => t?.stop());

  it(`rejects a ${attack.kind} packet sent from a real socket, counts it, and changes nothing`, async () => {
    const { node1 } = t;
    // node2's own lan1 packets stop here, so the attack is the only thing node1 hears on lan1.
    await cutLan1(t);
    const before = await snapshot(node1);
    // Every genuine packet the tap forwarded (and mallory may have captured) was accepted once,
    // but those node2 sent before it had heard node1 (wire v2 echo): refused as stale, and
    // nothing else was refused. (The stale count is the module's: lan2's are in it too.)
    const fresh = freshForwarded(t).length;
    expect(before.received).toBe(fresh);
    expect(before.rejected).toEqual({ ...NONE, stale: before.rejected['stale'] });
    expect(before.rejected['stale']).toBeGreaterThanOrEqual(t.tap.forwarded.length - fresh);

    send(attack.first(t));
    // The service reports the rejection on the bus once it has counted it: the event to wait for.
    await waitFor('the rejection reported in the module log', () => node1.admin.logs.length > before.logs);

    const after = await snapshot(node1);
    expect(after.rejected).toEqual({ ...before.rejected, [attack.reason]: 1 });
    // From mallory's socket: not node2's packet, nor the tap's.
    expect(node1.admin.logs.at(-1)?.message).toContain(`from ${ADDR.mallory} on lan1 rejected`);
    expect(node1.admin.logs.at(-1)?.message).toContain(attack.logSays);
    expect(node1.admin.peer().state).toBe('SECOND');
    expect(after.received).toBe(before.received);
    expect(after.view).toEqual(before.view);
    expect(after.view?.peers[0]).toMatchObject({ state: 'SECOND', readiness: 'Ready', resources: {} });
    expect(after.lanUp).toEqual({ lan1: 1, lan2: 1 });
    expect(after.remoteKnown).toBe(1);

    // What node1 publishes when asked again is what it published before the attack, and it
    // published nothing in between.
    const again = await republish(node1);
    expect(again.view).toEqual(before.published);
    expect(again.view).toEqual(before.view);
    expect(node1.admin.views.slice(before.views)).toEqual([again.view]);
    expect(again.sets.map((s) => [s.name, s.value])).toEqual([
      ['heartbeat.lan1', 'up'],
      ['heartbeat.flow', 'up'],
    ]);
    expect(node1.admin.resourceSets.slice(before.sets)).toEqual(again.sets);
  });

  it(`does not let ${attack.kind} packets keep node2 alive on a cut LAN`, async () => {
    const { node1 } = t;
    // Fresh genuine packets first: lan1 up, and node1's replay guard at node2's latest.
    const heard = t.tap.forwarded.length;
    t.tap.cut = false;
    await waitFor(
      'node1 hears node2 on lan1 again',
      () => t.tap.forwarded.length > heard && node1.admin.heartbeat('lan1') === 'up',
    );
    await cutLan1(t);
    const before = await snapshot(node1);

    // One a pulse, more often than the timeout: had one been taken for node2, heartbeat.lan1
    // could never go down.
    let sent = 0;
    const timer = setInterval(() => send(attack.next(t, sent++)), PULSE_MS);
    try {
      await waitFor('heartbeat.lan1 down despite the attack', () => node1.admin.heartbeat('lan1') === 'down');
    } finally {
      clearInterval(timer);
    }
    const rejected = before.rejected[attack.reason] + sent;
    await waitFor(
      'node1 rejected every one',
      async () => (await rejectedAs(node1, attack.reason)) === rejected,
    );

    expect(sent).toBeGreaterThan(0);
    const after = await snapshot(node1);
    expect(after.rejected).toEqual({ ...before.rejected, [attack.reason]: rejected });
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
}

/** Cuts node2's lan1 packets at the tap, and waits until node1 accepted all the fresh ones it forwarded. */
async function cutLan1(t: Pair): Promise<void> {
  t.tap.cut = true;
  await waitFor(
    'node1 accepted all the fresh packets the tap forwarded',
    async () => (await accepted(t.node1)) === freshForwarded(t).length,
  );
}

/** What node1 knows and has published, to compare before and after. */
export async function snapshot(node: PairNode) {
  const rejected: Record<string, number> = {};
  for (const r of REJECT_REASONS) rejected[r] = await rejectedAs(node, r);
  return {
    view: service(node).view(MODULE),
    published: node.admin.views.at(-1),
    views: node.admin.views.length,
    sets: node.admin.resourceSets.length,
    logs: node.admin.logs.length,
    received: await accepted(node), // on lan1
    rejected,
    lanUp: {
      lan1: await metric(node, 'keel_heartbeat_lan_up', { lan: 'lan1' }),
      lan2: await metric(node, 'keel_heartbeat_lan_up', { lan: 'lan2' }),
    },
    remoteKnown: await metric(node, 'keel_heartbeat_remote_known'),
  };
}

/**
 * Asks node's heartbeat to publish again all it knows (what it does when admin restarts): a
 * fence, since it answers after all it published before, with its current view and resources.
 */
export async function republish(node: PairNode) {
  const views = node.admin.views.length;
  const sets = node.admin.resourceSets.length;
  node.admin.bus.publish(subjects.presence('admin'), codecs.servicePresence, {
    service: 'admin',
    status: 'ready',
    pid: process.pid,
  });
  await waitFor(`${node.name} publishes its view again`, () => node.admin.views.length > views);
  // Handlers of different subjects may run in either order within one turn; let them all.
  await nextTurn();
  return { view: node.admin.views[views], sets: node.admin.resourceSets.slice(sets) };
}
