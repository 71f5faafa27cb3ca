import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modulePaths, nodePaths } from '@keel/config';
import { StateStore } from '../src/adapters/state-store';
import { handleCommand } from '../src/modules/command-handler';
import { replicatingRuntime } from './support/replicating-runtime';

// Guide §5.7.5 "External synchronisation": the primary takes the backup's point under a uid, the
// secondary restored from that backup is given the same uid and copies only the files modified
// since the point; a uid that does not match stops the secondary with an error naming the
// remedies; after the synchronisation both policies are `default` again.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-rfssync-ext-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const POINT = '2026-12-01T10:00:00.000Z';
/** This node's clock: a day after the primary's point. */
const NOW = Date.parse('2026-12-02T10:00:00.000Z');
const primaryWith = (uid: string) => ({
  'rfs.uptodate': 'up',
  'usersetting.rfssyncmode': 'external',
  'usersetting.rfssyncrole': 'prim',
  'usersetting.rfssyncuid': uid,
  'usersetting.rfssyncpoint': POINT,
});

async function node(uptodate = false) {
  const dirs = nodePaths({ KEEL_ETC: join(dir, 'etc'), KEEL_VAR: join(dir, 'var'), KEEL_HOME: '/opt/keel' });
  // A restored copy: not up to date, never synchronised with this primary (the engine alone would
  // copy every file); or the primary's valid data.
  new StateStore(modulePaths(dirs, 'demo').stateFile).save({
    facts: { synced: false, uptodate, interrupted: false },
    running: false,
    settings: {},
  });
  const h = await replicatingRuntime(dir);
  h.clock.now = NOW;
  const rfssync = (args: string[]) => handleCommand(h.sut, { module: 'demo', name: 'rfssync', args }, 'root');
  const resource = (name: string) => h.sut.resources.get(name)?.value;
  return { h, rfssync, resource };
}

test('the secondary restored under the primary uid copies the files modified since its point', async () => {
  const { h, rfssync, resource } = await node();
  expect(await rfssync(['external', 'second', 'backup-1'])).toEqual({
    detail:
      "rfssync external second backup-1: the next synchronisation as secondary copies the files modified since the primary's point (a primary under the same uid is needed)",
  });
  expect(h.logText()).toContain('I Action rfssync external second backup-1 called by root');
  expect(resource('usersetting.rfssyncmode')).toBe('external');
  expect(resource('usersetting.rfssyncrole')).toBe('second');
  expect(resource('usersetting.rfssyncuid')).toBe('backup-1');
  // No primary under that uid is heard yet: the policy cannot be applied.
  expect(resource('rfs.rfssync')).toBe('down');

  h.sut.peer({ state: 'ALONE', readiness: 'Ready' }, primaryWith('backup-1'));
  expect(resource('rfs.rfssync')).toBe('up');
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(250);
  expect(await h.requests.next()).toEqual({
    module: 'demo',
    role: 'secondary',
    full: false,
    since: Date.parse(POINT) / 1000 - 2,
  });
  expect(h.logText()).toContain(`I rfssync external backup-1: the files modified since ${POINT} are copied`);

  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 2, bytes: 20, ms: 3 });
  await h.pass(250);
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
  expect(resource('usersetting.rfssyncmode')).toBe('default');
  expect(resource('usersetting.rfssyncuid')).toBe('none');
  expect(h.sut.settings.rfssyncExternal).toBeUndefined();
});

test('a primary under another uid: the secondary stops with an error naming the remedies', async () => {
  const { h, rfssync } = await node();
  await rfssync(['external', 'second', 'backup-1']);
  h.sut.peer({ state: 'ALONE', readiness: 'Ready' }, primaryWith('backup-2'));
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(1000);
  expect(h.logText()).toContainEqual(
    "E rfssync external cannot be applied: the primary's uid is backup-2, this node's is backup-1: redo the procedure (rfssync external prim <uid> on the primary before its backup, the same uid here after the restore), or use rfssync full, or secondforce -d <date>",
  );
  // No daemon was asked to copy anything: the restored copy is left as it is; only the stop.
  expect(await h.requests.next()).toMatchObject({ role: 'stopped' });
  expect(h.requests.pending).toBe(0);
  expect(h.sut.state).toMatchObject({ state: 'STOP' });
  // The policy stays for the administrator to correct.
  expect(h.sut.settings.rfssyncmode).toBe('external');
});

test("the primary's side takes its point, -d included, and ends with its secondary's sync", async () => {
  const { h, rfssync, resource } = await node(true);
  expect((await rfssync(['-d', 'prim', 'cold-7'])).detail).toMatch(
    /^rfssync -d prim cold-7: the backup's point is /,
  );
  // -d is taken as external: the point is published all the same (copying more is never unsafe).
  expect(resource('usersetting.rfssyncpoint')).toBe(new Date(NOW).toISOString());
  expect(await rfssync(['external', 'prim', 'hot-8'])).toEqual({
    detail: `rfssync external prim hot-8: the backup's point is ${new Date(NOW).toISOString()}; the secondary restored under the same uid copies the files modified since`,
  });

  // This node is the primary; its secondary's synchronisation ends the policy here too.
  expect(await h.sut.command('prim', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.settle();
  await h.pass(1250);
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
  h.daemonSays({ event: 'synced', role: 'primary', pid: 8, files: 0, bytes: 0, ms: 1 });
  await h.pass(250);
  expect(resource('usersetting.rfssyncmode')).toBe('default');
  expect(resource('usersetting.rfssyncpoint')).toBe('none');
});

test('second fullsync wins over the policy: a full copy, after which the policy is done', async () => {
  const { h, rfssync, resource } = await node();
  await rfssync(['-d', 'second', 'backup-1']);
  h.sut.peer({ state: 'ALONE', readiness: 'Ready' }, primaryWith('backup-1'));
  expect(await h.sut.command('second', ['fullsync'], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(250);
  expect(await h.requests.next()).toEqual({ module: 'demo', role: 'secondary', full: true });
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 9, bytes: 90, ms: 3 });
  await h.pass(250);
  expect(resource('usersetting.rfssyncmode')).toBe('default');
});

test("a point ahead of this node's clock is refused; the backup's source turned secondary drops its side", async () => {
  const { h, rfssync } = await node();
  await rfssync(['external', 'second', 'backup-1']);
  h.sut.peer(
    { state: 'ALONE', readiness: 'Ready' },
    { ...primaryWith('backup-1'), 'usersetting.rfssyncpoint': '2099-01-01T00:00:00.000Z' },
  );
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(1000);
  expect(h.logText()).toContainEqual(
    expect.stringContaining(
      "E rfssync external cannot be applied: the primary's backup point 2099-01-01T00:00:00.000Z is in the future",
    ),
  );

  const other = await node();
  await other.rfssync(['external', 'prim', 'backup-9']);
  other.h.sut.peer({ state: 'ALONE', readiness: 'Ready' }, { 'rfs.uptodate': 'up' });
  expect(await other.h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await other.h.pass(250);
  expect(await other.h.requests.next()).toEqual({ module: 'demo', role: 'secondary', full: true });
  expect(other.h.logText()).toContainEqual(
    'I rfssync external prim backup-9: this node synchronises as secondary now: the policy ends with this synchronisation',
  );
});

test('keel set refuses the resources keel derives and its peer trusts', async () => {
  const { h } = await node();
  for (const name of ['rfs.uptodate', 'usersetting.rfssyncpoint', 'heart.generation', 'state.local'])
    await expect(
      handleCommand(h.sut, { module: 'demo', name: 'set', args: [name, 'up'] }, 'root'),
    ).rejects.toMatchObject({
      code: 'BAD_ARGS',
      message: expect.stringContaining(`${name} is set by keel itself`),
    });
  expect(
    await handleCommand(h.sut, { module: 'demo', name: 'set', args: ['custom.app', 'up'] }, 'root'),
  ).toEqual({
    detail: 'custom.app up',
  });
  expect(
    await handleCommand(h.sut, { module: 'demo', name: 'set', args: ['rfs.syncat', 'up'] }, 'root'),
  ).toEqual({
    detail: 'rfs.syncat up',
  });
});
