// The etcd adapter against a real etcd (apt-get install etcd-server) on loopback.
import { createServer, type Server, type Socket } from 'node:net';
import {
  EtcdLeaseStore,
  LeaseRunner,
  LeaseStoreConfigError,
  LeaseStoreTimeoutError,
  LeaseStoreUnavailableError,
  type LeaseTiming,
} from '../src';
import { startEtcd, type EtcdHandle } from './support/etcd-server';

jest.setTimeout(30_000);

let etcd: EtcdHandle | undefined;
let silent: { server: Server; sockets: Set<Socket>; endpoint: string } | undefined;

beforeAll(async () => {
  etcd = await startEtcd();
});

afterAll(async () => {
  if (etcd) process.kill(etcd.pid, 'SIGCONT');
  await etcd?.stop();
  silent?.sockets.forEach((s) => s.destroy());
  await new Promise((resolve) => (silent ? silent.server.close(resolve) : resolve(undefined)));
});

let keys = 0;
/** A key of its own for each test. */
const newKey = () => `/keel/test/${process.pid}/${++keys}`;
const soon = () => AbortSignal.timeout(5_000);
const client = () => new EtcdLeaseStore({ endpoints: [etcd!.endpoint] });

/** Every lease etcd knows. */
async function leases(): Promise<string[]> {
  const res = await fetch(`${etcd!.endpoint}/v3/lease/leases`, { method: 'POST', body: '{}' });
  const body = (await res.json()) as { leases?: { ID: string }[] };
  return (body.leases ?? []).map((l) => l.ID);
}

it('binds a free key to a new lease, and tells a second node who holds it without leaving its lease behind', async () => {
  const key = newKey();
  const [a, b] = [client(), client()];
  const got = await a.acquire(key, 'node1', 3_000, soon());
  expect(got).toEqual({ kind: 'acquired', lease: expect.stringMatching(/^\d+$/), ttlMs: 3_000 });
  const before = await leases();

  const lease = got.kind === 'acquired' ? got.lease : '';
  expect(await b.acquire(key, 'node2', 3_000, soon())).toEqual({ kind: 'held', holder: 'node1', lease });
  expect(await leases()).toEqual(before);
  expect(await b.holder(key, soon())).toEqual({ holder: 'node1', lease });
});

it('renews a lease that holds its key; released, the key is free and the lease unknown', async () => {
  const key = newKey();
  const a = client();
  const got = await a.acquire(key, 'node1', 3_000, soon());
  const lease = got.kind === 'acquired' ? got.lease : '';
  expect(await a.renew(key, lease, soon())).toEqual({ kind: 'renewed', ttlMs: 3_000 });

  await a.release(lease, soon());
  expect(await a.holder(key, soon())).toBeUndefined();
  expect(await a.renew(key, lease, soon())).toEqual({ kind: 'expired' });
  // Releasing again is no error: the lease is already gone.
  await a.release(lease, soon());
});

it('says the key was taken when it was deleted by hand under a living lease', async () => {
  const key = newKey();
  const a = client();
  const got = await a.acquire(key, 'node1', 3_000, soon());
  await fetch(`${etcd!.endpoint}/v3/kv/deleterange`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from(key).toString('base64') }),
  });
  expect(await a.renew(key, got.kind === 'acquired' ? got.lease : '', soon())).toEqual({
    kind: 'taken',
    holder: undefined,
  });
});

it('rounds a TTL up to whole seconds, as etcd counts them, and says what it granted', async () => {
  const got = await client().acquire(newKey(), 'node1', 2_500, soon());
  expect(got).toMatchObject({ kind: 'acquired', ttlMs: 3_000 });
});

it('frees the key once etcd expired a lease nobody renews, and only then', async () => {
  const key = newKey();
  const [a, b] = [client(), client()];
  await a.acquire(key, 'node1', 2_000, soon());
  let answer = await b.acquire(key, 'node2', 2_000, soon());
  expect(answer.kind).toBe('held');
  for (let i = 0; answer.kind === 'held' && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await b.acquire(key, 'node2', 2_000, soon());
  }
  expect(answer.kind).toBe('acquired');
  expect(await a.holder(key, soon())).toMatchObject({ holder: 'node2' });
});

it('names the endpoint that refused the connection, and tries the next one on the next request', async () => {
  const dead = await closedPort();
  const store = new EtcdLeaseStore({ endpoints: [`http://127.0.0.1:${dead}`, etcd!.endpoint] });
  const failure = store.holder(newKey(), soon());
  await expect(failure).rejects.toThrow(LeaseStoreUnavailableError);
  await expect(failure).rejects.toThrow(`lease store http://127.0.0.1:${dead}: /v3/kv/range: ECONNREFUSED`);
  expect(store.endpoint).toBe(etcd!.endpoint);
  expect(await store.holder(newKey(), soon())).toBeUndefined();
});

it('gives up when the caller does, naming the endpoint that did not answer', async () => {
  silent = await silentServer();
  const store = new EtcdLeaseStore({ endpoints: [silent.endpoint] });
  const failure = store.acquire(newKey(), 'node1', 3_000, AbortSignal.timeout(300));
  await expect(failure).rejects.toThrow(LeaseStoreTimeoutError);
  await expect(failure).rejects.toThrow(
    `lease store ${silent.endpoint}: no answer to /v3/lease/grant in time`,
  );
});

it('a frozen etcd: a renewal is given up when the caller gives up', async () => {
  const key = newKey();
  const a = client();
  const got = await a.acquire(key, 'node1', 3_000, soon());
  process.kill(etcd!.pid, 'SIGSTOP');
  try {
    const renewal = a.renew(key, got.kind === 'acquired' ? got.lease : '', AbortSignal.timeout(300));
    await expect(renewal).rejects.toThrow(LeaseStoreTimeoutError);
  } finally {
    process.kill(etcd!.pid, 'SIGCONT');
  }
});

it('refuses endpoints that are not http(s) URLs', () => {
  expect(() => new EtcdLeaseStore({ endpoints: [] })).toThrow(LeaseStoreConfigError);
  expect(() => new EtcdLeaseStore({ endpoints: ['127.0.0.1:2379'] })).toThrow(/not a URL|http/);
  expect(() => new EtcdLeaseStore({ endpoints: ['ftp://x:2379'] })).toThrow(/http:\/\/ or https:\/\//);
});

it('a lease runner on etcd holds the lease, and resigning frees it', async () => {
  const timing: LeaseTiming = {
    ttlMs: 2_000,
    renewEveryMs: 300,
    retryEveryMs: 100,
    requestTimeoutMs: 300,
    fenceMs: 100,
  };
  const key = newKey();
  const clock = {
    now: () => performance.now(),
    setTimer: (ms: number, fn: () => void) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
  };
  let held = () => undefined as void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const runner = new LeaseRunner({
    store: client(),
    key,
    holder: 'node1',
    timing,
    clock,
    listener: {
      window: () => undefined,
      holding: () => held(),
      lost: () => undefined,
      note: () => undefined,
    },
  });
  try {
    runner.contend();
    await holding;
    expect(runner.mayWrite()).toBe(true);
    expect(await client().holder(key, soon())).toMatchObject({ holder: 'node1' });
    runner.resign();
    let holder = await client().holder(key, soon());
    for (let i = 0; holder && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      holder = await client().holder(key, soon());
    }
    expect(holder).toBeUndefined();
    expect(runner.mayWrite()).toBe(false);
  } finally {
    runner.close();
  }
});

/** A port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A server that accepts connections and never answers. */
function silentServer(): Promise<{ server: Server; sockets: Set<Socket>; endpoint: string }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        sockets,
        endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      }),
    ),
  );
}
