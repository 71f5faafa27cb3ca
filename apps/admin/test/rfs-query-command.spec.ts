import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleCommand } from '../src/modules/command-handler';
import { VERIFY_DIFFER_EXIT } from '../src/modules/rfs-query-text';
import { replicatingRuntime } from './support/replicating-runtime';

// Guide §5.7.5 "Verification", "Change estimate", §9.10: `rfsverify` on the SECOND, `rfsdiff` on
// the ALONE node; admin refuses either elsewhere (naming the state it needs), asks rfs otherwise,
// and answers like a reintegration log.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-rfsquery-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('rfsverify: refused outside SECOND; on the SECOND, the differences listed and exit code 3', async () => {
  const h = await replicatingRuntime(dir);
  const sut = (name: 'rfsverify' | 'rfsdiff') =>
    handleCommand(h.sut, { module: 'demo', name, args: [] }, 'root');
  await expect(sut('rfsverify')).rejects.toMatchObject({
    code: 'REFUSED',
    message: expect.stringContaining('rfsverify runs on the node where module demo is SECOND'),
  });
  await expect(sut('rfsdiff')).rejects.toMatchObject({
    message: expect.stringContaining('rfsdiff runs on the node where module demo is ALONE'),
  });
  expect(h.queries.pending).toBe(0);

  h.sut.peer({ state: 'PRIM', readiness: 'Ready' }, { 'rfs.uptodate': 'up' });
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.pass(250);
  await h.requests.next();
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 3, bytes: 30, ms: 3 });
  await h.pass(250);
  expect(h.sut.state).toMatchObject({ state: 'SECOND' });

  h.answers.query = () => ({
    ok: true,
    files: 12,
    differ: 2,
    partial: false,
    differences: [
      { dir: 0, path: 'a/f', kind: 'file', differs: ['size', 'content'] },
      { dir: 0, path: '', kind: 'directory', differs: ['content'] },
    ],
  });
  const r = await sut('rfsverify');
  expect(await h.queries.next()).toEqual({ module: 'demo', query: 'verify' });
  expect(JSON.parse(r.detail!)).toEqual({
    text: [
      'Verifying directory tree /srv/data',
      'Differs: /srv/data/a/f (file: size, content)',
      'Differs: /srv/data (directory: content)',
      'Verification ended: 12 entries compared, 2 differ',
    ].join('\n'),
    exitCode: VERIFY_DIFFER_EXIT,
  });
  expect(h.logText()).toContain('I Action rfsverify called by root');
  expect(h.logText()).toContain('E rfsverify: 12 entries compared, 2 differ');

  h.answers.query = () => ({ ok: true, files: 12, differ: 0, partial: false, differences: [] });
  expect(JSON.parse((await sut('rfsverify')).detail!)).toMatchObject({ exitCode: 0 });

  h.answers.query = () => ({ ok: false, message: 'this secondary has no link to its primary now' });
  await expect(sut('rfsverify')).rejects.toMatchObject({
    code: 'REFUSED',
    message: 'rfsverify failed: this secondary has no link to its primary now',
  });
});
