import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replicatingRuntime } from './support/replicating-runtime';

// Reference acceptance 24: the secondary of a primary replicating degraded waits, WAIT (NotReady),
// its copy behind (rfs.uptodate down), by the built-in rule degraded_server; once the primary is
// no longer degraded (it stopped), the secondary leaves WAIT and starts as usual.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-degraded-secondary-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the primary degraded holds the secondary in WAIT by degraded_server until it is no longer', async () => {
  const h = await replicatingRuntime(dir);
  // What a primary advertises: its copy is up to date.
  const primary = { 'rfs.uptodate': 'up' };
  h.sut.peer({ state: 'PRIM', readiness: 'Ready' }, primary);
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(250);
  expect(await h.requests.next()).toMatchObject({ role: 'secondary' });
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 0, bytes: 0, ms: 3 });
  await h.settle();
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });

  h.sut.peer({ state: 'PRIM', readiness: 'Ready' }, { ...primary, 'rfs.degraded': 'up' });
  await h.pass(20_000);

  expect(h.logText()).toContain('I Action wait from failover rule degraded_server');
  expect(h.sut.state).toMatchObject({ state: 'WAIT', readiness: 'NotReady' });
  expect(h.sut.resources.get('rfs.uptodate')?.value).toBe('down');
  expect(await h.requests.next()).toMatchObject({ role: 'stopped' });

  // The primary stopped (no longer degraded): the rule no longer holds.
  // Its copy behind, this node waits for the primary's start rather than taking over.
  h.sut.peer({ state: 'STOP', readiness: 'NotReady' }, { ...primary, 'rfs.degraded': 'down' });
  await h.pass(20_000);
  expect(h.logText()).toContain('I Action wakeup from failover rule Implicit_wakeup');
  expect(h.sut.state.state).toBe('WAIT');
  // The primary starts again: this node becomes its secondary (reference acceptance 24).
  h.sut.peer({ state: 'PRIM', readiness: 'Ready' }, primary);
  await h.pass(250);
  expect(await h.requests.next()).toMatchObject({ role: 'secondary' });
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 8, files: 1, bytes: 10, ms: 3 });
  await h.pass(250);
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
});
