import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replicatingRuntime } from './support/replicating-runtime';

// Guide §5.7.3 (locktimeout, sendtimeout), §5.7.5 "Degraded mode", reference acceptance 24: a
// primary whose live secondary's link timed out and that is not in sync again within locktimeout
// goes on degraded (rfs.degraded up, which the peer's degraded_server rule reads), goes ALONE once
// its peer waits, and is no longer degraded once stopped.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-degraded-primary-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a secondary still behind locktimeout after its link timed out degrades the primary until it stops', async () => {
  const h = await replicatingRuntime(dir);
  expect(await h.sut.command('prim', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.settle();
  await h.pass(1250);
  h.sut.peer({ state: 'SECOND', readiness: 'Ready' }, {});
  await h.pass(500);
  expect(h.sut.state).toMatchObject({ state: 'PRIM', readiness: 'Ready' });

  // A link lost otherwise (the secondary's daemon went away) is not degraded.
  h.daemonSays({ event: 'link-lost', role: 'primary', pid: 7, reason: 'unexpected end of file' });
  await h.settle();
  expect(h.sut.resources.get('rfs.degraded')).toBeUndefined();

  const timedOut = () =>
    h.daemonSays({
      event: 'link-lost',
      role: 'primary',
      pid: 7,
      reason: 'the secondary did not acknowledge within 5000 ms',
    });
  // A secondary that comes back in sync within locktimeout (10 s here) is a mere hiccup.
  timedOut();
  await h.settle();
  expect(h.logText()).toContain(
    'I Replication timeout: the secondary has 10 s (locktimeout) to be in sync again',
  );
  await h.pass(5000);
  h.daemonSays({ event: 'connected', role: 'primary', pid: 7, peer: '198.18.0.2:40000' });
  await h.pass(6000);
  h.daemonSays({ event: 'synced', role: 'primary', pid: 7, files: 0, bytes: 0, ms: 3 });
  await h.pass(250);
  expect(h.sut.resources.get('rfs.degraded')).toBeUndefined();

  // One that does not: the primary goes on degraded once locktimeout has passed.
  timedOut();
  await h.settle();
  await h.pass(9750);
  expect(h.sut.resources.get('rfs.degraded')).toBeUndefined();
  await h.pass(250);
  expect(h.logText()).toEqual(
    expect.arrayContaining([
      'E Replication timeout: the primary goes on without its secondary (degraded)',
      'I Resource rfs.degraded set to up by rfs',
    ]),
  );
  // The peer's degraded_server rule holds it in WAIT (NotReady): this node goes on alone.
  h.sut.peer({ state: 'WAIT', readiness: 'NotReady' }, {});
  await h.pass(250);
  expect(h.logText()).toContain('I Action alone called by heart: remote stop');
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
  expect(h.sut.resources.get('rfs.degraded')?.value).toBe('up');

  expect(await h.sut.command('stop', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(1000);
  expect(h.sut.state.state).toBe('STOP');
  expect(h.sut.resources.get('rfs.degraded')).toMatchObject({ value: 'down', by: 'rfs' });
});
