import { writeFileSync } from 'node:fs';
import { startRfsNode, type RfsNode } from './rfs-node';

// `keel rfsverify` and `keel rfsdiff` end to end on one node (guide §5.7.5, §9.10): a real
// nats-server, the admin and rfs services, the keel CLI and the fake keel-rfsd (rfs-node.ts),
// which answers `verify` on its control pipe with the differences its behaviour file lists. Both
// are refused outside the state they need; on the SECOND, rfsverify prints the differences like a
// reintegration log and exits 3, and 0 on identical copies.
let rfs: RfsNode;

beforeAll(async () => {
  rfs = await startRfsNode();
}, 30_000);

afterAll(async () => {
  await rfs?.stop();
});

test('rfsverify on the SECOND lists what differs (exit 3), nothing on identical copies (exit 0)', async () => {
  const stopped = await rfs.cli('rfsverify', '-m', 'demo');
  expect(stopped.code).not.toBe(0);
  expect(stopped.err).toContain('rfsverify runs on the node where module demo is SECOND');

  rfs.peerIsPrimary({ 'rfs.uptodate': 'up' });
  expect((await rfs.cli('second', '-m', 'demo')).code).toBe(0);
  expect(await rfs.cli('waitstate', '-m', 'demo', 'SECOND', '-t', '20')).toMatchObject({ code: 0 });

  expect(await rfs.cli('rfsverify', '-m', 'demo')).toEqual({
    code: 0,
    out: 'Verifying directory tree /srv/demo/data\nVerification ended: 10 entries compared, 0 differ',
    err: '',
  });
  const diff = await rfs.cli('rfsdiff', '-m', 'demo');
  expect(diff.err).toContain('rfsdiff runs on the node where module demo is ALONE');

  // The next daemon (a new secondary start) finds two entries that differ.
  writeFileSync(
    rfs.behaviourFile(),
    JSON.stringify({
      differences: [
        { dir: 0, path: 'a/f', kind: 'file', differs: ['content'] },
        { dir: 0, path: 'gone', kind: 'file', differs: ['missing'] },
      ],
    }),
  );
  expect((await rfs.cli('stop', '-m', 'demo')).code).toBe(0);
  expect((await rfs.cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);
  expect((await rfs.cli('second', '-m', 'demo')).code).toBe(0);
  expect(await rfs.cli('waitstate', '-m', 'demo', 'SECOND', '-t', '20')).toMatchObject({ code: 0 });
  expect(await rfs.cli('rfsverify', '-m', 'demo')).toEqual({
    code: 3,
    out: [
      'Verifying directory tree /srv/demo/data',
      'Differs: /srv/demo/data/a/f (file: content)',
      'Differs: /srv/demo/data/gone (file: missing)',
      'Verification ended: 10 entries compared, 2 differ',
    ].join('\n'),
    err: '',
  });
  expect((await rfs.cli('stop', '-m', 'demo')).code).toBe(0);
}, 60_000);
