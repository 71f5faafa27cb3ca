// The lease keeper, step by step with explicit times.
import {
  initialKeeper,
  mayWrite,
  nextWakeAt,
  stepKeeper,
  writeMarginMs,
  type KeeperCommand,
  type KeeperEvent,
  type KeeperState,
  type LeaseTiming,
} from '../src';

const timing: LeaseTiming = {
  ttlMs: 10_000,
  renewEveryMs: 2_000,
  retryEveryMs: 500,
  requestTimeoutMs: 1_500,
  fenceMs: 1_000,
};
const margin = writeMarginMs(timing);

/** A keeper driven by a test: each event's commands are kept for the next expectation. */
class Keeper {
  state: KeeperState = initialKeeper(timing);
  commands: readonly KeeperCommand[] = [];
  on(event: KeeperEvent): readonly KeeperCommand[] {
    const step = stepKeeper(this.state, event);
    this.state = step.state;
    this.commands = step.commands;
    return step.commands;
  }
  /** The id of the request among the last commands. */
  request(type: 'acquire' | 'renew'): number {
    const c = this.commands.find((x) => x.type === type);
    if (!c || (c.type !== 'acquire' && c.type !== 'renew'))
      throw new Error(`no ${type} in ${JSON.stringify(this.commands)}`);
    return c.id;
  }
}

/** A keeper that sent its acquisition at 1000 and got the lease at 1100. */
function holder(): Keeper {
  const k = new Keeper();
  k.on({ type: 'contend', now: 1_000 });
  k.on({ type: 'acquired', now: 1_100, id: k.request('acquire'), lease: 'L1', ttlMs: timing.ttlMs });
  return k;
}

const types = (cs: readonly KeeperCommand[]) => cs.map((c) => c.type);

it('contends at once and asks for a lease of the configured TTL', () => {
  const k = new Keeper();
  expect(k.on({ type: 'contend', now: 1_000 })).toEqual([{ type: 'acquire', id: 1, ttlMs: 10_000 }]);
  expect(k.state.is.phase).toBe('contending');
  expect(mayWrite(k.state, 1_000)).toBe(false);
});

it('counts the write deadline from when the request was sent, not from the answer', () => {
  const k = holder();
  expect(k.commands).toEqual([
    { type: 'window', writeDeadline: 1_000 + 10_000 - margin },
    { type: 'holding', lease: 'L1' },
  ]);
  expect(mayWrite(k.state, 1_000 + 10_000 - margin - 1)).toBe(true);
  expect(mayWrite(k.state, 1_000 + 10_000 - margin)).toBe(false);
});

it('renews every renewEveryMs from the previous request and moves the deadline from the renewal sent', () => {
  const k = holder();
  expect(nextWakeAt(k.state)).toBe(3_000);
  expect(k.on({ type: 'tick', now: 2_999 })).toEqual([]);
  expect(k.on({ type: 'tick', now: 3_000 })).toEqual([{ type: 'renew', id: 2, lease: 'L1' }]);
  expect(k.on({ type: 'renewed', now: 3_400, id: 2, ttlMs: 10_000 })).toEqual([
    { type: 'window', writeDeadline: 3_000 + 10_000 - margin },
  ]);
  expect(nextWakeAt(k.state)).toBe(5_000);
});

it('believes a store that grants less than asked, never one that grants more', () => {
  const k = new Keeper();
  k.on({ type: 'contend', now: 0 });
  k.on({ type: 'acquired', now: 10, id: 1, lease: 'L', ttlMs: 5_000 });
  expect(k.commands[0]).toEqual({ type: 'window', writeDeadline: 5_000 - margin });
  k.on({ type: 'tick', now: 2_000 });
  k.on({ type: 'renewed', now: 2_010, id: 2, ttlMs: 60_000 });
  expect(k.commands).toEqual([{ type: 'window', writeDeadline: 2_000 + 10_000 - margin }]);
});

it('retries failed renewals until the deadline, then loses the lease without another attempt', () => {
  const k = holder();
  const deadline = 1_000 + 10_000 - margin;
  let now = 3_000;
  k.on({ type: 'tick', now });
  const attempts: number[] = [];
  while (k.state.is.phase === 'holding') {
    const id = k.request('renew');
    attempts.push(now);
    now += 100;
    k.on({ type: 'failed', now, id, error: 'connection refused' });
    now = nextWakeAt(k.state)!;
    k.on({ type: 'tick', now });
  }
  expect(attempts.every((t) => t < deadline)).toBe(true);
  expect(attempts.length).toBeGreaterThan(1);
  expect(now).toBe(deadline);
  expect(k.commands).toEqual([
    { type: 'window', writeDeadline: deadline },
    { type: 'lost', loss: { kind: 'deadline-passed', deadline }, lease: 'L1' },
  ]);
  expect(k.state.is.phase).toBe('idle');
  expect(nextWakeAt(k.state)).toBeUndefined();
});

it('gives up a renewal that is not answered in requestTimeoutMs and ignores its late answer', () => {
  const k = holder();
  k.on({ type: 'tick', now: 3_000 });
  expect(nextWakeAt(k.state)).toBe(4_500);
  expect(types(k.on({ type: 'tick', now: 4_500 }))).toEqual(['note', 'renew']);
  const retry = k.request('renew');
  expect(k.on({ type: 'renewed', now: 4_600, id: 2, ttlMs: 10_000 })).toEqual([]);
  expect(k.on({ type: 'renewed', now: 4_700, id: retry, ttlMs: 10_000 })).toEqual([
    { type: 'window', writeDeadline: 4_500 + 10_000 - margin },
  ]);
});

it('treats a renewal granted after the deadline as lost: a slow store cannot reopen the window', () => {
  const k = holder();
  const deadline = 1_000 + 10_000 - margin;
  // The renewal is sent late (the holder retried) and its answer comes after the deadline.
  k.on({ type: 'tick', now: deadline - 200 });
  const id = k.request('renew');
  const cs = k.on({ type: 'renewed', now: deadline + 1, id, ttlMs: 10_000 });
  expect(cs).toEqual([
    { type: 'window', writeDeadline: deadline },
    { type: 'lost', loss: { kind: 'deadline-passed', deadline }, lease: 'L1' },
  ]);
  expect(mayWrite(k.state, deadline + 1)).toBe(false);
});

it('a frozen holder that thaws past its deadline has lost before it attempts anything', () => {
  const k = holder();
  const deadline = 1_000 + 10_000 - margin;
  // Frozen from 2000 on: no tick ran; it thaws long after, with a renewal long overdue.
  const cs = k.on({ type: 'tick', now: deadline + 30_000 });
  expect(types(cs)).toEqual(['window', 'lost']);
  expect(cs).not.toContainEqual(expect.objectContaining({ type: 'renew' }));
  expect(mayWrite(k.state, deadline + 30_000)).toBe(false);
});

it('closes the window at once when the store says the lease expired, whatever the deadline', () => {
  const k = holder();
  k.on({ type: 'tick', now: 3_000 });
  expect(k.on({ type: 'expired', now: 3_050, id: 2 })).toEqual([
    { type: 'window', writeDeadline: 3_050 },
    { type: 'lost', loss: { kind: 'expired' }, lease: 'L1' },
  ]);
});

it('closes the window at once when the key is bound to another lease', () => {
  const k = holder();
  k.on({ type: 'tick', now: 3_000 });
  expect(k.on({ type: 'taken', now: 3_050, id: 2, holder: 'node2' })).toEqual([
    { type: 'window', writeDeadline: 3_050 },
    { type: 'lost', loss: { kind: 'taken', holder: 'node2' }, lease: 'L1' },
  ]);
});

it('tries again retryEveryMs after finding the key held', () => {
  const k = new Keeper();
  k.on({ type: 'contend', now: 0 });
  expect(k.on({ type: 'held', now: 20, id: 1, holder: 'node2' })).toEqual([]);
  expect(nextWakeAt(k.state)).toBe(520);
  expect(k.on({ type: 'tick', now: 520 })).toEqual([{ type: 'acquire', id: 2, ttlMs: 10_000 }]);
});

it('releases a lease granted too late to be used, and contends again', () => {
  const k = new Keeper();
  k.on({ type: 'contend', now: 0 });
  // Answered within the request timeout only because the test says so: the deadline is what counts.
  const cs = k.on({ type: 'acquired', now: 10_000 - margin, id: 1, lease: 'L', ttlMs: 10_000 });
  expect(types(cs)).toEqual(['release', 'note']);
  expect(k.state.is.phase).toBe('contending');
});

it('releases a lease whose acquisition it gave up or no longer wants', () => {
  const k = new Keeper();
  k.on({ type: 'contend', now: 0 });
  k.on({ type: 'tick', now: 1_500 });
  expect(k.on({ type: 'acquired', now: 1_600, id: 1, lease: 'late', ttlMs: 10_000 })).toEqual([
    { type: 'release', lease: 'late' },
  ]);
  k.on({ type: 'resign', now: 1_700 });
  expect(k.on({ type: 'acquired', now: 1_800, id: 2, lease: 'unwanted', ttlMs: 10_000 })).toEqual([
    { type: 'release', lease: 'unwanted' },
  ]);
  expect(k.state.is.phase).toBe('idle');
});

it('on resignation closes the window, then releases the lease', () => {
  const k = holder();
  expect(k.on({ type: 'resign', now: 2_000 })).toEqual([
    { type: 'window', writeDeadline: 2_000 },
    { type: 'release', lease: 'L1' },
  ]);
  expect(k.state.is.phase).toBe('idle');
});

it('keeps renewing after a failed renewal, retryEveryMs later', () => {
  const k = holder();
  k.on({ type: 'tick', now: 3_000 });
  expect(types(k.on({ type: 'failed', now: 3_100, id: 2, error: 'HTTP 503' }))).toEqual(['note']);
  expect(nextWakeAt(k.state)).toBe(3_600);
  expect(k.on({ type: 'tick', now: 3_600 })).toEqual([{ type: 'renew', id: 3, lease: 'L1' }]);
});
