// Scenario: admin, node1's module engine, dies while its module is PRIM (its application dies with
// it, docs/decisions/0013). node1's heartbeat stops speaking for the module, so node2 loses node1
// and can take over; a new admin publishes the state again and the heartbeats resume.
import { codecs, subjects } from '@keel/bus';
import { TIMEOUT_MS } from './support/fixtures';
import { startTwoNodes, steadyMirror, type TwoNodes } from './support/two-nodes';

const ADMIN_PID = 4242;
const PID_NS = 4026531836;
const running = new Set<number>();
let t: TwoNodes;
beforeEach(async () => {
  running.clear();
  t = await startTwoNodes({
    node1Processes: { alive: (pid) => running.has(pid), pidNamespace: () => PID_NS },
  });
});
afterEach(() => t.stopAll());

function adminReady(pid: number, pidNs = PID_NS): void {
  running.add(pid);
  t.node1.admin.bus.publish(subjects.presence('admin'), codecs.servicePresence, {
    service: 'admin',
    status: 'ready',
    pid,
    pidNs,
  });
}

it('stops sending once admin is gone, so the peer loses this node', async () => {
  adminReady(ADMIN_PID);
  await steadyMirror(t);
  running.delete(ADMIN_PID);
  await t.clock.advance(TIMEOUT_MS + 500);
  expect(t.node2.admin.peer()).toMatchObject({ node: 'node1', state: 'UNKNOWN' });
  expect(t.node1.sink.records().map((r) => r['msg'])).toContain(
    'admin is gone: this node no longer speaks for its modules until admin is back',
  );
});

it('(control) goes on while admin runs', async () => {
  adminReady(ADMIN_PID);
  await steadyMirror(t);
  await t.clock.advance(TIMEOUT_MS + 500);
  expect(t.node2.admin.peer()).toMatchObject({ node: 'node1', state: 'PRIM', readiness: 'Ready' });
});

it('speaks again for the module once a new admin publishes its state', async () => {
  adminReady(ADMIN_PID);
  await steadyMirror(t);
  running.delete(ADMIN_PID);
  await t.clock.advance(TIMEOUT_MS + 500);
  adminReady(ADMIN_PID + 1);
  t.node1.admin.setState('PRIM', 'Ready');
  await t.clock.advance(300);
  expect(t.node2.admin.peer()).toMatchObject({ node: 'node1', state: 'PRIM', readiness: 'Ready' });
});

it('stays silent when a state sent by the dead admin arrives late', async () => {
  adminReady(ADMIN_PID);
  await steadyMirror(t);
  running.delete(ADMIN_PID);
  await t.clock.advance(300);
  t.node1.admin.setState('PRIM', 'Ready');
  await t.clock.advance(TIMEOUT_MS + 500);
  expect(t.node2.admin.peer()).toMatchObject({ node: 'node1', state: 'UNKNOWN' });
});

it('does not follow an admin of another PID namespace: its pid names another process here', async () => {
  adminReady(ADMIN_PID, PID_NS + 1);
  await steadyMirror(t);
  running.delete(ADMIN_PID);
  await t.clock.advance(TIMEOUT_MS + 500);
  expect(t.node2.admin.peer()).toMatchObject({ node: 'node1', state: 'PRIM', readiness: 'Ready' });
  expect(t.node1.sink.records().map((r) => r['msg'])).toContain(
    "cannot follow admin's process: it does not run in this PID namespace",
  );
});
