// The module events the api hears on the node's bus (states, from admin; module log lines, from
// admin and the services that write in a module log), handed to the GraphQL subscriptions. Each
// subscriber has its own bounded queue: a client that does not read cannot make the service hold
// more than `maxQueued` events for it; it is ended with an error saying so. The number of
// subscribers is bounded too. Pure: no bus, no clock.

export interface StateEvent {
  readonly kind: 'state';
  readonly module: string;
  readonly state: string;
  readonly readiness: string;
  /** When the module entered the state (ISO 8601). */
  readonly since: string;
}

export interface LogEvent {
  readonly kind: 'log';
  readonly module: string;
  readonly level: string;
  readonly message: string;
  /** The service that wrote it; absent for admin's own lines. */
  readonly component?: string;
  /** When the line was published (ISO 8601). */
  readonly at: string;
}

export type ModuleEvent = StateEvent | LogEvent;

/** A subscriber that fell behind: its queue was full. */
export class SubscriberTooSlow extends Error {
  override readonly name = 'SubscriberTooSlow';
}

/** Every subscriber slot is taken. */
export class TooManySubscribers extends Error {
  override readonly name = 'TooManySubscribers';
}

export const MAX_QUEUED = 1_000;
export const MAX_SUBSCRIBERS = 1_000;

export class ModuleEvents {
  private readonly listeners = new Set<(e: ModuleEvent) => void>();

  constructor(
    private readonly maxQueued = MAX_QUEUED,
    private readonly maxSubscribers = MAX_SUBSCRIBERS,
  ) {}

  get subscribers(): number {
    return this.listeners.size;
  }

  publish(event: ModuleEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The events `accept` takes, from now on, until the iterator is returned or falls behind. */
  subscribe<E extends ModuleEvent>(accept: (e: ModuleEvent) => e is E): AsyncIterableIterator<E> {
    if (this.listeners.size >= this.maxSubscribers)
      throw new TooManySubscribers(`at most ${this.maxSubscribers} subscriptions at once on this node`);
    const queue: E[] = [];
    let waiting: ((r: IteratorResult<E>) => void) | undefined;
    let failWaiting: ((err: Error) => void) | undefined;
    let failure: Error | undefined;
    let done = false;
    const end = () => {
      done = true;
      this.listeners.delete(listener);
    };
    const listener = (e: ModuleEvent) => {
      if (done || !accept(e)) return;
      if (waiting) {
        const w = waiting;
        waiting = failWaiting = undefined;
        w({ value: e, done: false });
      } else if (queue.length < this.maxQueued) {
        queue.push(e);
      } else {
        failure = new SubscriberTooSlow(`the subscriber fell behind by more than ${this.maxQueued} events`);
        end();
      }
    };
    this.listeners.add(listener);
    const iterator: AsyncIterableIterator<E> = {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (failure) {
          const f = failure;
          failure = undefined;
          return Promise.reject(f);
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<E>>((resolve, reject) => {
          waiting = resolve;
          failWaiting = reject;
        });
      },
      return: () => {
        end();
        queue.length = 0;
        const w = waiting;
        waiting = failWaiting = undefined;
        w?.({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (err: unknown) => {
        end();
        queue.length = 0;
        const f = failWaiting;
        waiting = failWaiting = undefined;
        f?.(err instanceof Error ? err : new Error(String(err)));
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
