import { Lifecycle } from '../src';

// One lifecycle for every service: a start runs once, a stop during the start ends it.
it('starts once, then stops once', () => {
  const sut = new Lifecycle();
  expect([sut.phase, sut.active]).toEqual(['idle', false]);
  expect(sut.beginStart()).toBe(true);
  expect(sut.active).toBe(true);
  expect(sut.beginStart()).toBe(false);
  expect(sut.started()).toBe(true);
  expect(sut.phase).toBe('running');
  expect(sut.beginStop()).toBe(true);
  expect(sut.active).toBe(false);
  expect(sut.beginStop()).toBe(false);
  sut.stopped();
  expect(sut.phase).toBe('stopped');
  expect(sut.beginStart()).toBe(false);
});

it('a stop during the start makes the start give up', () => {
  const sut = new Lifecycle();
  sut.beginStart();
  sut.beginStop();
  expect(sut.started()).toBe(false);
  expect(sut.phase).toBe('stopping');
});
