import { LoginLimiter } from '../src/auth/login-limiter';

// Failed logins per key within a window: the sixth attempt waits until the oldest failure leaves.
const build = () => new LoginLimiter(5, 1000, 3);

it('lets five failures through, then refuses until the oldest leaves the window', () => {
  const sut = build();
  for (let t = 0; t < 5; t += 1) {
    expect(sut.retryAfter(['user:a'], t)).toBe(0);
    sut.failed(['user:a'], t);
  }
  expect(sut.retryAfter(['user:a'], 10)).toBe(990);
  expect(sut.retryAfter(['user:a'], 1000)).toBe(0);
});

it('limits by any of the keys: another address for the same user waits too', () => {
  const sut = build();
  for (let t = 0; t < 5; t += 1) sut.failed([`addr:10.0.0.${t}`, 'user:a'], t);
  expect(sut.retryAfter(['addr:10.0.0.9', 'user:a'], 5)).toBeGreaterThan(0);
  expect(sut.retryAfter(['addr:10.0.0.9', 'user:b'], 5)).toBe(0);
});

it('a success clears the failures', () => {
  const sut = build();
  for (let t = 0; t < 4; t += 1) sut.failed(['user:a'], t);
  sut.succeeded(['user:a']);
  sut.failed(['user:a'], 5);
  expect(sut.retryAfter(['user:a'], 6)).toBe(0);
});

it('forgets the oldest keys beyond its bound', () => {
  const sut = build();
  for (const k of ['a', 'b', 'c', 'd']) for (let t = 0; t < 5; t += 1) sut.failed([k], t);
  expect(sut.retryAfter(['a'], 6)).toBe(0);
  expect(sut.retryAfter(['d'], 6)).toBeGreaterThan(0);
});
