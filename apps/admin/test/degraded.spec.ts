import { degradesNow, isLinkTimeout } from '../src/modules/degraded';

// A primary goes on degraded when a live secondary has not kept up for locktimeout, not when its
// peer went away nor while it catches up.
const SECOND = { state: 'SECOND', readiness: 'Ready' } as const;
const LOCK = 100_000;

test.each([
  ['the secondary did not acknowledge within 5000 ms', true],
  [
    'the secondary did not take the data within the link timeout (Resource temporarily unavailable (os error 11))',
    true,
  ],
  ['unexpected end of file', false],
  ['Connection reset by peer (os error 104)', false],
  ['the secondary left (its copy is recorded behind)', false],
  [undefined, false],
])('a link lost with %j is a timeout: %s', (reason, timeout) => {
  expect(isLinkTimeout(reason)).toBe(timeout);
});

test.each([
  ['no timeout', undefined, 200_000, SECOND, false],
  ['within locktimeout', { since: 0, rejoined: false }, 99_999, SECOND, false],
  ['locktimeout passed, not rejoined', { since: 0, rejoined: false }, 100_000, SECOND, true],
  ['locktimeout passed, catching up', { since: 0, rejoined: true }, 500_000, SECOND, false],
  [
    'peer waiting',
    { since: 0, rejoined: false },
    200_000,
    { state: 'WAIT', readiness: 'NotReady' } as const,
    false,
  ],
  ['peer gone', { since: 0, rejoined: false }, 200_000, 'UNKNOWN' as const, false],
  [
    'peer a resynchronising secondary',
    { since: 0, rejoined: false },
    200_000,
    { state: 'SECOND', readiness: 'Transient' } as const,
    true,
  ],
])('%s: degraded %s', (_name, slow, now, remote, degraded) => {
  expect(degradesNow(slow, now, LOCK, remote)).toBe(degraded);
});
