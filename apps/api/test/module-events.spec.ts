import {
  ModuleEvents,
  SubscriberTooSlow,
  TooManySubscribers,
  type ModuleEvent,
  type StateEvent,
} from '../src/core/module-events';

// The hub between the bus handlers and the GraphQL subscriptions: each subscriber gets what it
// accepts, in order, from its subscription on; a subscriber that does not read is ended.
const build = (maxQueued = 3, maxSubscribers = 2) => new ModuleEvents(maxQueued, maxSubscribers);
const state = (module: string, s: string): StateEvent => ({
  kind: 'state',
  module,
  state: s,
  readiness: 'Ready',
  since: '2024-01-01T00:00:00.000Z',
});
const isState = (e: ModuleEvent): e is StateEvent => e.kind === 'state';
const ofModule =
  (m: string) =>
  (e: ModuleEvent): e is StateEvent =>
    isState(e) && e.module === m;

it('gives each subscriber the events it accepts, in order, queued while it does not read', async () => {
  const sut = build();
  const a = sut.subscribe(ofModule('a'));
  sut.publish(state('b', 'STOP'));
  sut.publish(state('a', 'WAIT'));
  sut.publish(state('a', 'ALONE'));
  expect((await a.next()).value.state).toBe('WAIT');
  expect((await a.next()).value.state).toBe('ALONE');
  const waiting = a.next();
  sut.publish(state('a', 'STOP'));
  expect((await waiting).value.state).toBe('STOP');
});

it('ends a subscriber whose queue is full with an error, after what it had queued', async () => {
  const sut = build();
  const a = sut.subscribe(isState);
  for (const s of ['1', '2', '3', '4']) sut.publish(state('a', s));
  expect(sut.subscribers).toBe(0);
  for (const s of ['1', '2', '3']) expect((await a.next()).value.state).toBe(s);
  await expect(a.next()).rejects.toBeInstanceOf(SubscriberTooSlow);
  expect(await a.next()).toEqual({ value: undefined, done: true });
});

it('return() ends a waiting subscriber at once and frees its slot', async () => {
  const sut = build();
  const a = sut.subscribe(isState);
  const waiting = a.next();
  await a.return!();
  expect(await waiting).toEqual({ value: undefined, done: true });
  expect(sut.subscribers).toBe(0);
});

it('refuses a subscriber beyond the limit', () => {
  const sut = build();
  sut.subscribe(isState);
  sut.subscribe(isState);
  expect(() => sut.subscribe(isState)).toThrow(TooManySubscribers);
});
