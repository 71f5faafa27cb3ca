import { startRfsNode, type RfsNode } from './rfs-node';

// `keel rfssync external second <uid>` end to end on one node (guide §5.7.5 "External
// synchronisation"): a real nats-server, the admin and rfs services, the keel CLI and the fake
// keel-rfsd (rfs-node.ts). The peer's heartbeat view is a Ready primary whose policy is
// `external prim` under the same uid with its backup's point: the daemon of the secondary start
// is asked for the files modified since that point, not a full copy, and once it synchronised the
// policy is default again.
let rfs: RfsNode;

beforeAll(async () => {
  rfs = await startRfsNode();
}, 30_000);

afterAll(async () => {
  await rfs?.stop();
});

const POINT = '2026-12-01T10:00:00.000Z';

test('a restored secondary under the primary uid copies what changed since the backup point', async () => {
  expect(await rfs.cli('rfssync', 'external', 'second', 'nightly-42', '-m', 'demo')).toMatchObject({
    code: 0,
  });
  expect((await rfs.cli('rfssync', '-m', 'demo')).out).toBe(
    "rfssync external second nightly-42: the next synchronisation as secondary copies the files modified since the primary's point (a primary under the same uid is needed)",
  );
  expect((await rfs.cli('get', '-m', 'demo', '-r', 'usersetting.rfssyncuid')).out).toBe('nightly-42');

  rfs.peerIsPrimary({
    'rfs.uptodate': 'up',
    'usersetting.rfssyncmode': 'external',
    'usersetting.rfssyncrole': 'prim',
    'usersetting.rfssyncuid': 'nightly-42',
    'usersetting.rfssyncpoint': POINT,
  });
  expect((await rfs.cli('second', '-m', 'demo')).code).toBe(0);
  expect(await rfs.cli('waitstate', '-m', 'demo', 'SECOND', '-t', '20')).toMatchObject({ code: 0 });
  const call = rfs.daemonCalls()[0]!;
  expect(call).not.toContain('--full');
  expect(call[call.indexOf('--since') + 1]).toBe(String(Date.parse(POINT) / 1000 - 2));
  expect((await rfs.cli('get', '-m', 'demo', '-r', 'usersetting.rfssyncmode')).out).toBe('default');

  expect((await rfs.cli('stop', '-m', 'demo')).code).toBe(0);
  expect((await rfs.cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);
}, 60_000);
