import { guardedEvents, guardedValue } from '../src/graphql/guarded-events';

// A subscription's events pass while the credential holds; a failure is one last item, then the end.
function source(values: number[], fail?: Error) {
  let returned = false;
  const it: AsyncIterator<number> & { returned: () => boolean } = {
    next: async () => {
      if (values.length) return { value: values.shift()!, done: false };
      if (fail) throw fail;
      return { value: undefined, done: true };
    },
    return: async () => {
      returned = true;
      return { value: undefined, done: true };
    },
    returned: () => returned,
  };
  return it;
}

it('lets the events through while the check passes', async () => {
  const sut = guardedEvents(source([1, 2]), () => undefined);
  expect(guardedValue((await sut.next()).value)).toBe(1);
  expect(guardedValue((await sut.next()).value)).toBe(2);
  expect((await sut.next()).done).toBe(true);
});

it('turns a refused check into one last item carrying the error, ends the source, then ends', async () => {
  const src = source([1, 2]);
  let allowed = true;
  const sut = guardedEvents(src, () => {
    if (!allowed) throw new Error('refused');
  });
  expect(guardedValue((await sut.next()).value)).toBe(1);
  allowed = false;
  const last = (await sut.next()).value;
  expect(() => guardedValue(last)).toThrow('refused');
  expect(src.returned()).toBe(true);
  expect((await sut.next()).done).toBe(true);
});

it("turns the source's failure into the last item", async () => {
  const sut = guardedEvents(source([], new Error('too slow')), () => undefined);
  const last = (await sut.next()).value;
  expect(() => guardedValue(last)).toThrow('too slow');
  expect((await sut.next()).done).toBe(true);
});
