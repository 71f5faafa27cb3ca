// Collects values pushed by asynchronous handlers so a test can await them one by one with a
// bounded wait, instead of sleeping and hoping.

export class InboxTimeoutError extends Error {
  override readonly name = 'InboxTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly received: number,
  ) {
    super(`nothing arrived within ${timeoutMs} ms (${received} item(s) taken so far)`);
  }
}

export interface Inbox<T> {
  /** Hand this to a handler: every value pushed is queued for next(). */
  readonly push: (value: T) => void;
  /** The oldest value not yet taken; rejects with InboxTimeoutError after `timeoutMs`. */
  next(timeoutMs?: number): Promise<T>;
  /** The next `count` values, in order. */
  take(count: number, timeoutMs?: number): Promise<T[]>;
  /** Values pushed but not yet taken. */
  readonly pending: number;
}

export const DEFAULT_INBOX_TIMEOUT_MS = 5000;

export function createInbox<T>(): Inbox<T> {
  const queued: T[] = [];
  const waiters: Array<(value: T) => void> = [];
  let taken = 0;

  const next = (timeoutMs = DEFAULT_INBOX_TIMEOUT_MS) =>
    new Promise<T>((resolve, reject) => {
      if (queued.length > 0) {
        taken++;
        resolve(queued.shift() as T);
        return;
      }
      const waiter = (value: T) => {
        clearTimeout(timer);
        taken++;
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new InboxTimeoutError(timeoutMs, taken));
      }, timeoutMs);
      waiters.push(waiter);
    });

  return {
    push: (value) => {
      const waiter = waiters.shift();
      if (waiter) waiter(value);
      else queued.push(value);
    },
    next,
    async take(count, timeoutMs) {
      const values: T[] = [];
      for (let i = 0; i < count; i++) values.push(await next(timeoutMs));
      return values;
    },
    get pending() {
      return queued.length;
    },
  };
}
