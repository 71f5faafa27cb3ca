// A clock for tests: time moves only when the test says so. advance() runs every timer that
// falls due in order, at its due time, and lets pending I/O of the in-memory twins (microtasks)
// settle after each one, so packets and bus messages are handled at the time they were sent.

/** Structurally @keel/runtime's Timer and Clock (this library does not depend on it). */
interface Timer {
  cancel(): void;
}
interface Clock {
  now(): number;
  setTimer(ms: number, fn: () => void): Timer;
}

interface Pending {
  readonly due: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private current: number;
  private order = 0;
  private pending: Pending[] = [];

  constructor(start = 1_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const entry: Pending = { due: this.current + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.pending.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, running due timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      // Time never goes back: timers overdue after a jump() run late, at the current time.
      this.current = Math.max(this.current, next.due);
      this.pending = this.pending.filter((p) => p !== next);
      next.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /** Moves time forward WITHOUT running timers, like a process frozen (SIGSTOP, long GC). */
  jump(ms: number): void {
    this.current += ms;
  }

  /** Timers not yet run nor cancelled. */
  get pendingTimers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  private nextDue(target: number): Pending | undefined {
    this.pending = this.pending.filter((p) => !p.cancelled);
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.due > target) continue;
      if (!best || p.due < best.due || (p.due === best.due && p.order < best.order)) best = p;
    }
    return best;
  }
}

/** Lets every queued microtask and immediate run (in-memory bus and UDP deliveries). */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
