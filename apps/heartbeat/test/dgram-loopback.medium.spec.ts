// Medium test: the real thing on one host. Two heartbeat applications (node1, node2), each
// with its own nats-server (the bus never spans nodes), real UDP sockets on loopback addresses
// (lan1: 127.0.0.11/12, node1 behind NAT there; lan2: 127.0.0.21/22), the system clock and the
// incarnation file (support/dgram-pair.ts). Shows: heartbeats exchanged, loss detected when
// node2 stops, recovery after node2 restarts with a new incarnation. Forged and replayed
// packets over real UDP: dgram-forged.medium.spec.ts and dgram-replay.medium.spec.ts.
import {
  metric,
  service,
  startApp,
  startPair,
  steady,
  stopApp,
  waitFor,
  type Pair,
} from './support/dgram-pair';
import { MODULE } from './support/two-nodes';

jest.setTimeout(60_000);

let t: Pair;

beforeAll(async () => {
  t = await startPair('600ms');
});

afterAll(() => t?.stop());

it('exchanges heartbeats on both LANs over real UDP', async () => {
  await steady(t);
  expect(t.node1.admin.peer().lans.map((l) => l.status)).toEqual(['up', 'up']);
});

it('detects the loss when node2 stops, and recovers when it restarts', async () => {
  const { node1, node2 } = t;
  const before = service(node1).view(MODULE)?.peers[0].incarnation;
  await stopApp(node2);
  await waitFor(
    'node1 sees both heartbeats down and node2 UNKNOWN',
    () =>
      node1.admin.heartbeat('lan1') === 'down' &&
      node1.admin.heartbeat('flow') === 'down' &&
      node1.admin.peer().state === 'UNKNOWN',
  );
  expect(await metric(node1, 'keel_heartbeat_lan_up', { lan: 'lan1' })).toBe(0);

  await startApp(node2);
  node2.admin.setState('SECOND', 'Ready'); // admin tells the restarted heartbeat its state
  await waitFor(
    'node1 sees node2 again',
    () => node1.admin.heartbeat('lan1') === 'up' && node1.admin.peer().state === 'SECOND',
  );
  expect(node1.admin.peer().incarnation).toBeGreaterThan(before ?? 0);
});
