import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLeaseStore } from '@keel/arbiter';
import { rpcs, subjects } from '@keel/bus';
import { FakeClock } from '@keel/testing';
import { leaseKey } from '../src/modules/arbiter';
import { CLUSTER, runtimeHarness } from './support/runtime-harness';

// docs/decisions/0019: a module with <check><arbiter> on admin's side. The lease lives in the
// store's in-memory twin on a fake monotonic clock; the node's rfs service is a fake on the bus
// that records, in order, the roles and the write deadlines it is given.
const MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <rfs><replicated dir="/srv/data"/></rfs><user/>
  <check><arbiter ident="lease" ttl="4s" fence="500ms"/></check></service></safe>`;
const WITH_ARBITER = CLUSTER.replace(
  '</cluster>',
  '<arbiter endpoints="http://198.18.2.101:2379"/></cluster>',
);
// ttl 4 s, fence 500 ms: renewal every 800 ms, requests given up after 1 s, retried after 200 ms.
const MARGIN = 8 + 500;

let dir: string;
/** The runtime of the test: closed (nothing more sent or written) before its directory goes. */
let last: { close(): void } | undefined;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-runtime-arbiter-'))));
afterEach(() => {
  last?.close();
  last = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function build() {
  const mono = new FakeClock(50_000);
  const store = new MemoryLeaseStore(mono);
  const client = store.client('node1->etcd');
  const asked: string[] = [];
  const h = await runtimeHarness(dir, MODULE, {
    cluster: WITH_ARBITER,
    arbiter: { store: client, clock: mono },
    services: async (network) => {
      const rfs = network.connect({ source: { service: 'rfs', node: 'node1' } });
      await rfs.serve(subjects.rfsCmd('demo'), rpcs.rfsCommand, (req) => {
        asked.push(req.payload.role);
        return { ok: true, message: 'done' };
      });
      await rfs.serve(subjects.rfsWindow('demo'), rpcs.rfsWindow, (req) => {
        asked.push(`window ${req.payload.deadlineMs}`);
        return { ok: true, message: 'written to the primary' };
      });
    },
  });
  last = h.sut;
  /** Both clocks move: the engine's (ticks) and the lease's. */
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 250) {
      await mono.advance(250);
      await h.pass(250);
    }
  };
  const prim = async () => {
    expect(await h.sut.command('prim', [], undefined, 'cli')).toMatchObject({ ok: true });
    await pass(1_500);
  };
  return { ...h, mono, store, client, asked, pass, prim };
}

test('a free lease: rfs has the write deadline before the primary is asked for, then the start scripts run', async () => {
  const h = await build();
  await h.prim();

  expect(h.store.peek(leaseKey('demo'))?.holder).toBe('node1');
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
  const [first, second] = h.asked;
  expect(first).toMatch(/^window \d+/);
  expect(second).toBe('primary');
  // The deadline: the time the grant was asked for, plus the TTL, less the margin.
  expect(Number(first!.slice(7))).toBeLessThanOrEqual(h.mono.now() + 4_000 - MARGIN);
  expect(h.scripts()).toContain('start_prim WAIT ALONE start');
  expect(h.logText()).toContain('I Resource arbiter.lease set to up by arbiter');
  // Renewals move the deadline on.
  await h.pass(2_000);
  expect(h.asked.filter((a) => a.startsWith('window')).length).toBeGreaterThan(1);
});

test('a lease held by the other node: WAIT (NotReady), said once with the holder; free, the node starts', async () => {
  const h = await build();
  const other = h.store.client('node2->etcd');
  const held = await other.acquire(leaseKey('demo'), 'node2', 4_000, new AbortController().signal);
  await h.prim();
  await h.pass(2_000);

  expect(h.sut.state).toMatchObject({ state: 'WAIT', readiness: 'NotReady' });
  const waiting = h.logText().filter((l) => l.includes("Waiting for the arbiter's lease"));
  expect(waiting).toEqual(["I Waiting for the arbiter's lease at http://198.18.2.101:2379 (held by node2)"]);
  expect(h.asked).toEqual([]);
  expect(h.scripts()).not.toContain('start_prim WAIT ALONE start');

  if (held.kind !== 'acquired') throw new Error('node2 could not take the lease');
  await other.release(held.lease, new AbortController().signal);
  await h.pass(500);
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
});

test('a lost lease: writes closed, the fence ended at once, the stop scripts to WAIT, then the lease released', async () => {
  const h = await build();
  await h.prim();
  const fenced = h.fences.events.length;
  h.client.setLink('drop');
  // Past the deadline: no renewal was granted.
  await h.mono.advance(4_000);
  await h.settle();

  // The last window closed writes at once (a deadline not after now).
  const windows = h.asked.filter((a) => a.startsWith('window')).map((a) => Number(a.slice(7)));
  expect(windows.at(-1)).toBeLessThanOrEqual(h.mono.now());
  expect(h.fences.events.slice(fenced)[0]).toMatch(/^close /);
  const log = h.logText();
  expect(log).toContain(
    'E Lease of the arbiter lost (no renewal was granted before the write deadline): writes refused, the application fenced',
  );
  expect(log).toContain('I Resource arbiter.lease set to down by arbiter');
  expect(log).toContain('I Action wait called by arbiter');

  await h.pass(1_000);
  expect(h.scripts()).toContain('stop_prim ALONE WAIT stopwait');
  expect(h.sut.state.state).toBe('WAIT');
  expect(h.asked.at(-1)).toBe('stopped');
  // Unreachable, the lease expires by itself; reachable again, the node contends again.
  expect(h.store.peek(leaseKey('demo'))).toBeUndefined();
  // The other node unheard of may serve now: this node waits for it, as SafeKit's stale node does,
  // until an administrator says its data is good.
  expect(h.sut.state).toMatchObject({ state: 'WAIT', readiness: 'NotReady' });
  expect(log).toContain('I Local data not up to date: the other node may serve once the lease is free');
  h.client.setLink('up');
  expect(await h.sut.command('prim', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(2_000);
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
});
