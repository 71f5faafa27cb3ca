import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HandlerError } from '@keel/bus';
import { modulePaths, nodePaths } from '@keel/config';
import { StateStore } from '../src/adapters/state-store';
import { handleCommand } from '../src/modules/command-handler';
import { replicatingRuntime } from './support/replicating-runtime';

// Guide §5.7.5 "External synchronisation": `rfssync full` makes this node's next synchronisation
// as secondary copy every file, even where the engine would copy the changes only; after it
// succeeded the policy is `default` again. A malformed policy is refused, naming what is accepted.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-rfssync-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('rfssync full: one full copy as secondary, then back to default', async () => {
  // A node whose pair has been in sync: the engine alone would copy the changes only.
  const dirs = nodePaths({ KEEL_ETC: join(dir, 'etc'), KEEL_VAR: join(dir, 'var'), KEEL_HOME: '/opt/keel' });
  new StateStore(modulePaths(dirs, 'demo').stateFile).save({
    facts: { synced: true, uptodate: false, interrupted: false },
    running: false,
    settings: {},
  });
  const h = await replicatingRuntime(dir);
  const sut = (args: string[]) => handleCommand(h.sut, { module: 'demo', name: 'rfssync', args }, 'root');
  expect(h.sut.resources.get('usersetting.rfssyncmode')?.value).toBe('default');
  expect(h.sut.resources.get('rfs.rfssync')?.value).toBe('up');

  expect(await sut(['full'])).toEqual({
    detail: 'rfssync full: the next synchronisation of this node as secondary copies every file',
  });
  expect(h.logText()).toContain('I Action rfssync full called by root');
  expect(h.sut.resources.get('usersetting.rfssyncmode')?.value).toBe('full');
  await expect(sut(['external', 'primary', 'backup1'])).rejects.toBeInstanceOf(HandlerError);
  await expect(sut(['external', 'prim', 'a/b'])).rejects.toMatchObject({
    code: 'BAD_ARGS',
    message: expect.stringContaining('the uid is 1 to 24 letters'),
  });
  expect(h.sut.resources.get('usersetting.rfssyncmode')?.value).toBe('full');

  h.sut.peer({ state: 'PRIM', readiness: 'Ready' }, { 'rfs.uptodate': 'up' });
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(250);
  expect(await h.requests.next()).toEqual({ module: 'demo', role: 'secondary', full: true });
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 3, bytes: 30, ms: 3 });
  await h.pass(250);
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
  expect(h.sut.resources.get('usersetting.rfssyncmode')?.value).toBe('default');
  expect(await sut([])).toEqual({ detail: 'rfssync default: the next synchronisation copies what changed' });

  // The next start as secondary is the engine's choice again.
  expect(await h.sut.command('stop', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(1000);
  expect(await h.requests.next()).toMatchObject({ role: 'stopped' });
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(250);
  expect(await h.requests.next()).toEqual({ module: 'demo', role: 'secondary', full: false });
});
