// The in-memory twin: the store's semantics, and the faults of a node's path to it.
import { FakeClock } from '@keel/testing';
import { LeaseStoreTimeoutError, LeaseStoreUnavailableError, MemoryLeaseStore } from '../src';

const KEY = '/keel/arbiter/m';
const open = () => new AbortController().signal;

function store() {
  const clock = new FakeClock(0);
  const s = new MemoryLeaseStore(clock);
  return { clock, s, a: s.client('node1->store'), b: s.client('node2->store') };
}

it('binds a free key to a new lease, tells who holds a taken one, and frees it when the lease expires', async () => {
  const { clock, s, a, b } = store();
  const got = await a.acquire(KEY, 'node1', 3_000, open());
  expect(got).toEqual({ kind: 'acquired', lease: expect.any(String), ttlMs: 3_000 });
  const lease = got.kind === 'acquired' ? got.lease : '';
  expect(await b.acquire(KEY, 'node2', 3_000, open())).toEqual({ kind: 'held', holder: 'node1', lease });

  await clock.advance(2_999);
  expect(s.peek(KEY)?.holder).toBe('node1');
  await clock.advance(1);
  expect(s.peek(KEY)).toBeUndefined();
  expect(await a.renew(KEY, lease, open())).toEqual({ kind: 'expired' });
  expect(await b.acquire(KEY, 'node2', 3_000, open())).toMatchObject({ kind: 'acquired' });
});

it('renews a lease for its TTL from the renewal, and says when the key was taken from it', async () => {
  const { clock, s, a } = store();
  const got = await a.acquire(KEY, 'node1', 3_000, open());
  const lease = got.kind === 'acquired' ? got.lease : '';
  await clock.advance(2_000);
  expect(await a.renew(KEY, lease, open())).toEqual({ kind: 'renewed', ttlMs: 3_000 });
  await clock.advance(2_000);
  expect(s.peek(KEY)?.lease).toBe(lease);

  s.deleteKey(KEY);
  expect(await a.renew(KEY, lease, open())).toEqual({ kind: 'taken', holder: undefined });
});

it('frees the key at once when the lease is released', async () => {
  const { s, a, b } = store();
  const got = await a.acquire(KEY, 'node1', 3_000, open());
  await a.release(got.kind === 'acquired' ? got.lease : '', open());
  expect(s.peek(KEY)).toBeUndefined();
  expect(await b.holder(KEY, open())).toBeUndefined();
});

it('a refused path fails at once, naming the endpoint; a dropped one until the caller gives up', async () => {
  const { a, b } = store();
  a.setLink('refuse');
  await expect(a.acquire(KEY, 'node1', 3_000, open())).rejects.toThrow(LeaseStoreUnavailableError);
  await expect(a.holder(KEY, open())).rejects.toThrow(
    'lease store node1->store: /holder: connection refused',
  );

  b.setLink('drop');
  const giveUp = new AbortController();
  const pending = b.acquire(KEY, 'node2', 3_000, giveUp.signal);
  giveUp.abort();
  await expect(pending).rejects.toThrow(LeaseStoreTimeoutError);
  await expect(pending).rejects.toThrow('lease store node2->store: no answer to /acquire in time');
});

it('an answer lost after the request took effect leaves the effect', async () => {
  const { clock, s, a } = store();
  a.setDelays(10, 1_000);
  const giveUp = new AbortController();
  const pending = a.acquire(KEY, 'node1', 3_000, giveUp.signal);
  await clock.advance(10);
  expect(s.peek(KEY)?.holder).toBe('node1');
  giveUp.abort();
  await expect(pending).rejects.toThrow(LeaseStoreTimeoutError);
  expect(s.peek(KEY)?.holder).toBe('node1');
});
