// How rfsdiff's and rfsverify's events become the reply to admin (core/query.ts, pure).
import { MAX_RFS_DIFFERENCES } from '@keel/bus';
import { queryStep, startQuery, type QueryState } from '../src/core/query';

const diff = (i: number) => ({
  event: 'verify-diff' as const,
  dir: 0,
  path: `f${i}`,
  kind: 'file',
  differs: ['content'],
});

test('rfsverify keeps the first differences and counts the rest, then answers at the end', () => {
  let s: QueryState = startQuery('verify');
  for (let i = 0; i < MAX_RFS_DIFFERENCES + 2; i++) {
    const step = queryStep(s, diff(i));
    if (!('state' in step)) throw new Error('answered too early');
    s = step.state;
  }
  expect(s.differences).toHaveLength(MAX_RFS_DIFFERENCES);
  expect(s.more).toBe(2);
  const end = queryStep(s, {
    event: 'verified',
    files: 500,
    differ: MAX_RFS_DIFFERENCES + 2,
    complete: true,
  });
  expect(end).toMatchObject({
    reply: { ok: true, files: 500, differ: MAX_RFS_DIFFERENCES + 2, partial: false },
  });
});

test('a pass cut short by a lost link is a failure naming why', () => {
  const end = queryStep(startQuery('verify'), {
    event: 'verified',
    files: 0,
    differ: 0,
    complete: false,
    reason: 'the link to the primary ended: reset',
  });
  expect(end).toEqual({
    reply: { ok: false, message: 'the link to the primary ended: reset' },
  });
});

test('events of the other query, or a refusal of it, leave this one waiting', () => {
  const s = startQuery('diff');
  expect(queryStep(s, diff(0))).toEqual({ state: s });
  expect(queryStep(s, { event: 'refused', request: 'verify', reason: 'x' })).toEqual({ state: s });
  expect(queryStep(s, { event: 'refused', request: 'diff', reason: 'busy' })).toEqual({
    reply: { ok: false, message: 'busy' },
  });
});
