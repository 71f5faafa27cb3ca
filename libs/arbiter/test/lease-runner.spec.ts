// The runner: a keeper driven against the in-memory store on a fake clock, two nodes at a time.
import { FakeClock } from '@keel/testing';
import {
  LeaseRunner,
  MemoryLeaseStore,
  type LeaseLoss,
  type LeaseTiming,
  type MemoryLeaseClient,
} from '../src';

const timing: LeaseTiming = {
  ttlMs: 3_000,
  renewEveryMs: 500,
  retryEveryMs: 100,
  requestTimeoutMs: 400,
  fenceMs: 200,
};
const KEY = '/keel/arbiter/m';

/** What a node's listener heard, each with the clock's time. */
interface Heard {
  windows: { at: number; until: number }[];
  holding: number[];
  lost: { at: number; loss: LeaseLoss }[];
  notes: string[];
  contended: (string | undefined)[];
}

function node(name: string, clock: FakeClock, store: MemoryLeaseStore) {
  const client: MemoryLeaseClient = store.client(`${name}->store`);
  const heard: Heard = { windows: [], holding: [], lost: [], notes: [], contended: [] };
  const runner = new LeaseRunner({
    store: client,
    key: KEY,
    holder: name,
    timing,
    clock,
    listener: {
      window: (until) => heard.windows.push({ at: clock.now(), until }),
      holding: () => heard.holding.push(clock.now()),
      lost: (loss) => heard.lost.push({ at: clock.now(), loss }),
      note: (text) => heard.notes.push(text),
      contended: (holder) => heard.contended.push(holder),
    },
  });
  return { client, heard, runner };
}

function pair() {
  const clock = new FakeClock(0);
  const store = new MemoryLeaseStore(clock);
  return { clock, store, n1: node('node1', clock, store), n2: node('node2', clock, store) };
}

/** The last write deadline the node was given. */
const lastDeadline = (h: Heard) => h.windows[h.windows.length - 1]!.until;

it('one node holds and renews while the other waits', async () => {
  const { clock, store, n1, n2 } = pair();
  n1.runner.contend();
  await clock.advance(10);
  n2.runner.contend();
  await clock.advance(20_000);

  expect(n1.runner.phase).toBe('holding');
  expect(n2.runner.phase).toBe('contending');
  expect(store.peek(KEY)?.holder).toBe('node1');
  expect(n1.runner.mayWrite()).toBe(true);
  expect(n2.heard.windows).toEqual([]);
  // Every renewal moved the deadline ahead of the clock.
  expect(lastDeadline(n1.heard)).toBeGreaterThan(clock.now());
});

it('a holder cut from the store stops writing at its deadline, before the other can take over', async () => {
  const { clock, n1, n2 } = pair();
  n1.runner.contend();
  await clock.advance(10);
  n2.runner.contend();
  await clock.advance(2_000);
  n1.client.setLink('drop');
  await clock.advance(10_000);

  expect(n1.heard.lost).toEqual([
    { at: lastDeadline(n1.heard), loss: { kind: 'deadline-passed', deadline: lastDeadline(n1.heard) } },
  ]);
  expect(n1.runner.mayWrite()).toBe(false);
  expect(n2.runner.phase).toBe('holding');
  // node2's first window opened after node1's last one closed (plus its fence time).
  expect(n2.heard.holding[0]).toBeGreaterThanOrEqual(lastDeadline(n1.heard) + timing.fenceMs);
});

it('answers slower than the request timeout count as no answer: the holder loses at its deadline', async () => {
  const { clock, n1 } = pair();
  n1.runner.contend();
  await clock.advance(1_000);
  n1.client.setDelays(0, timing.requestTimeoutMs + 1);
  await clock.advance(10_000);

  expect(n1.heard.lost.map((l) => l.loss.kind)).toEqual(['deadline-passed']);
  expect(n1.heard.notes.some((n) => n.includes('no answer to /renew in time'))).toBe(true);
});

it('a resigning holder closes its window and frees the key at once', async () => {
  const { clock, store, n1, n2 } = pair();
  n1.runner.contend();
  await clock.advance(10);
  n2.runner.contend();
  await clock.advance(1_000);
  n1.runner.resign();
  const resignedAt = clock.now();
  await clock.advance(timing.retryEveryMs + 1);

  expect(n1.heard.windows[n1.heard.windows.length - 1]).toEqual({ at: resignedAt, until: resignedAt });
  expect(store.peek(KEY)?.holder).toBe('node2');
  expect(n2.runner.mayWrite()).toBe(true);
});

it('a holder whose key was removed by hand and taken by another stops at once', async () => {
  const { clock, store, n1, n2 } = pair();
  n1.runner.contend();
  await clock.advance(10);
  store.deleteKey(KEY);
  n2.runner.contend();
  await clock.advance(10);
  expect(store.peek(KEY)?.holder).toBe('node2');
  await clock.advance(timing.renewEveryMs);

  expect(n1.heard.lost.map((l) => l.loss)).toEqual([{ kind: 'taken', holder: 'node2' }]);
  expect(n1.runner.mayWrite()).toBe(false);
});

it('a closed runner sends and tells nothing more', async () => {
  const { clock, n1 } = pair();
  n1.runner.contend();
  await clock.advance(10);
  n1.runner.close();
  const heard = JSON.stringify(n1.heard);
  await clock.advance(10_000);
  expect(JSON.stringify(n1.heard)).toBe(heard);
  expect(clock.pendingTimers).toBe(0);
});

it('tells who holds the lease, or that the store could not be asked, at each attempt that did not get it', async () => {
  const { clock, n1, n2 } = pair();
  n1.runner.contend();
  await clock.advance(10);
  n2.runner.contend();
  await clock.advance(timing.retryEveryMs + 10);
  n2.client.setLink('refuse');
  await clock.advance(timing.retryEveryMs);
  expect(n2.heard.contended).toEqual(['node1', 'node1', undefined]);
  expect(n1.heard.contended).toEqual([]);
});

it('poll: a holder frozen past its deadline learns the loss at once, before its own timer runs', async () => {
  const { clock, n1 } = pair();
  n1.runner.contend();
  await clock.advance(10);
  // Stopped (SIGSTOP): its clock runs on, its timers do not.
  clock.jump(timing.ttlMs);
  n1.runner.poll();
  expect(n1.heard.lost.map((l) => l.loss.kind)).toEqual(['deadline-passed']);
  expect(n1.runner.mayWrite()).toBe(false);
});
