// A discrete-event simulation of several nodes' lease keepers around one linearizable store (the
// in-memory twin), in real time: each node reads its own clock (an offset and a rate), its link to
// the store can be cut, it can be frozen (it handles nothing, its clock runs on), requests and
// answers take random times, some longer than the keeper waits. What keel-rfsd would do is
// modelled exactly: a node accepts writes while its own clock is before the last deadline pushed
// to it. The result is every node's write windows in real time.
import { MemoryLeaseStore } from '../../src/adapters/memory-lease-store';
import { seededRandom } from '@keel/testing';
import {
  initialKeeper,
  nextWakeAt,
  stepKeeper,
  type KeeperEvent,
  type KeeperState,
  type LeaseTiming,
} from '../../src';

export interface SimNode {
  /** Local clock = offset + rate x real time. */
  readonly rate: number;
  readonly offset: number;
  /** Real-time intervals [from, to) in which the node handles nothing. */
  readonly freezes: readonly (readonly [number, number])[];
  /** Real-time intervals [from, to) in which nothing passes between the node and the store. */
  readonly cuts: readonly (readonly [number, number])[];
}

export interface SimScenario {
  readonly timing: LeaseTiming;
  readonly nodes: readonly SimNode[];
  /** The store's clock rate (its expiries are counted on it). */
  readonly storeRate: number;
  readonly durationMs: number;
  /** Seeds the delays of requests and answers. */
  readonly seed: number;
  /** The most a request or an answer usually takes; one in twenty takes up to 4 x the request timeout. */
  readonly maxDelayMs: number;
  /** Bypasses the timing check, to show the check of the result can fail. */
  readonly unchecked?: boolean;
}

export interface WriteWindow {
  readonly node: number;
  readonly from: number;
  readonly to: number;
}

export interface SimResult {
  readonly windows: readonly WriteWindow[];
  readonly acquisitions: number;
  readonly losses: number;
}

type Job = { readonly at: number; readonly seq: number; readonly run: () => Promise<void> | void };

const inside = (t: number, spans: readonly (readonly [number, number])[]) =>
  spans.some(([a, b]) => t >= a && t < b);

export async function simulate(s: SimScenario): Promise<SimResult> {
  let realNow = 0;
  let seq = 0;
  const jobs: Job[] = [];
  const at = (t: number, run: Job['run']) => {
    jobs.push({ at: Math.max(t, realNow), seq: seq++, run });
  };
  const random = seededRandom(s.seed);
  const delay = () => (random() < 0.05 ? random() * 4 * s.timing.requestTimeoutMs : random() * s.maxDelayMs);

  // Delays are the simulation's own; the store's clients answer at once.
  const store = new MemoryLeaseStore({
    now: () => realNow * s.storeRate,
    setTimer: () => ({ cancel: () => undefined }),
  }).client();
  const never = new AbortController().signal;

  const nodes = s.nodes.map((n, i) => ({
    cfg: n,
    name: `node${i + 1}`,
    keeper: s.unchecked
      ? ({ ...initialKeeper(s.timing), timing: s.timing } as KeeperState)
      : initialKeeper(s.timing),
    ticks: new Set<number>(),
    /** Deadline pushes: [real time, local deadline]. */
    pushes: [] as [number, number][],
  }));
  const local = (i: number, t: number) => nodes[i]!.cfg.offset + nodes[i]!.cfg.rate * t;
  const realOf = (i: number, l: number) => (l - nodes[i]!.cfg.offset) / nodes[i]!.cfg.rate;
  let acquisitions = 0;
  let losses = 0;

  /** Hands an event to node i at real time t, or when it thaws. */
  const deliver = (i: number, t: number, make: (now: number) => KeeperEvent) => {
    at(t, () => {
      const freeze = nodes[i]!.cfg.freezes.find(([a, b]) => realNow >= a && realNow < b);
      if (freeze) return deliver(i, freeze[1], make);
      handle(i, make(local(i, realNow)));
    });
  };

  /** A request from node i to the store; its answer (if any) comes back as an event. */
  const request = (i: number, op: () => Promise<((now: number) => KeeperEvent) | undefined>) => {
    const cuts = nodes[i]!.cfg.cuts;
    if (inside(realNow, cuts)) return;
    at(realNow + delay(), async () => {
      const answer = await op();
      if (!answer) return;
      const back = realNow + delay();
      if (!inside(back, cuts)) deliver(i, back, answer);
    });
  };

  const handle = (i: number, event: KeeperEvent) => {
    const node = nodes[i]!;
    const step = stepKeeper(node.keeper, event);
    node.keeper = step.state;
    const key = '/keel/arbiter/m';
    for (const c of step.commands) {
      switch (c.type) {
        case 'acquire':
          request(i, async () => {
            const a = await store.acquire(key, node.name, c.ttlMs, never);
            return a.kind === 'acquired'
              ? (now) => ({ type: 'acquired', now, id: c.id, lease: a.lease, ttlMs: a.ttlMs })
              : (now) => ({ type: 'held', now, id: c.id, holder: a.holder });
          });
          break;
        case 'renew':
          request(i, async () => {
            const a = await store.renew(key, c.lease, never);
            if (a.kind === 'renewed') return (now) => ({ type: 'renewed', now, id: c.id, ttlMs: a.ttlMs });
            if (a.kind === 'expired') return (now) => ({ type: 'expired', now, id: c.id });
            return (now) => ({ type: 'taken', now, id: c.id, holder: a.holder });
          });
          break;
        case 'release':
          request(i, async () => {
            await store.release(c.lease, never);
            return undefined;
          });
          break;
        case 'window':
          node.pushes.push([realNow, c.writeDeadline]);
          break;
        case 'holding':
          acquisitions++;
          break;
        case 'lost': {
          losses++;
          // Fenced (VIP and application gone) within fenceMs, then the lease is released, and
          // the node contends again a little later.
          const fenced = realOf(i, local(i, realNow) + s.timing.fenceMs);
          at(fenced, () =>
            request(i, async () => {
              await store.release(c.lease, never);
              return undefined;
            }),
          );
          deliver(i, fenced + random() * 3000, (now) => ({ type: 'contend', now }));
          break;
        }
        case 'note':
          break;
      }
    }
    // A tick that finds nothing due changes nothing: earlier ones need not be cancelled, only
    // not asked for twice.
    const wake = nextWakeAt(node.keeper);
    if (wake !== undefined && !node.ticks.has(wake)) {
      node.ticks.add(wake);
      // A microsecond late, so that float rounding never hands it a time before `wake`.
      deliver(i, realOf(i, wake) + 1e-3, (now) => {
        node.ticks.delete(wake);
        return { type: 'tick', now };
      });
    }
  };

  nodes.forEach((_, i) => deliver(i, random() * 1000, (now) => ({ type: 'contend', now })));
  while (jobs.length > 0) {
    jobs.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const job = jobs.shift()!;
    if (job.at > s.durationMs) break;
    realNow = job.at;
    await job.run();
  }

  const windows: WriteWindow[] = [];
  nodes.forEach((node, i) => {
    node.pushes.forEach(([from, deadline], k) => {
      const next = node.pushes[k + 1]?.[0] ?? s.durationMs;
      const to = Math.min(next, realOf(i, deadline), s.durationMs);
      if (to > from) windows.push({ node: i, from, to });
    });
  });
  return { windows, acquisitions, losses };
}

/** Pairs of windows of different nodes that share an instant. */
export function overlaps(windows: readonly WriteWindow[]): [WriteWindow, WriteWindow][] {
  const out: [WriteWindow, WriteWindow][] = [];
  for (const a of windows) {
    for (const b of windows) {
      if (a.node < b.node && a.from < b.to && b.from < a.to) out.push([a, b]);
    }
  }
  return out;
}
