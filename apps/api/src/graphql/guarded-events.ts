// A subscription's events, each let through only while the caller's credential still holds (a
// user removed or a key deleted stops its subscriptions at their next event). A failure (the
// credential refused, the subscriber too slow) becomes one last item carrying the error, which the
// subscription's resolve throws, so the client gets a GraphQL error and then the end of the
// subscription instead of a broken connection. Not an async generator: its return() would wait
// for the next event before it could end, keeping the subscriber until then. Pure.

export type Guarded<E> = { readonly event: E } | { readonly failed: unknown };

export function guardedEvents<E>(
  source: AsyncIterator<E>,
  check: () => void,
): AsyncIterableIterator<Guarded<E>> {
  let ended = false;
  const end = async (): Promise<IteratorResult<Guarded<E>>> => {
    ended = true;
    await source.return?.();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<Guarded<E>> = {
    next: async () => {
      if (ended) return { value: undefined, done: true };
      try {
        const r = await source.next();
        if (r.done) {
          ended = true;
          return { value: undefined, done: true };
        }
        check();
        return { value: { event: r.value }, done: false };
      } catch (failed) {
        await end();
        return { value: { failed }, done: false };
      }
    },
    return: end,
    throw: async (err: unknown) => {
      await end();
      throw err;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** The subscription's resolve: the event, or the failure thrown as the last item's error. */
export function guardedValue<E>(item: Guarded<E>): E {
  if ('failed' in item) throw item.failed;
  return item.event;
}
