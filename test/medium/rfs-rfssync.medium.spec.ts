import { startRfsNode, type RfsNode } from './rfs-node';

// `keel rfssync` end to end on one node (guide §5.7.5, §9.10): a real nats-server, the admin and
// rfs services, the keel CLI and the fake keel-rfsd (rfs-node.ts); the peer's heartbeat view (a Ready primary)
// is published by the test. `rfssync full` is shown by `rfssync` and `get`, the daemon of the next
// secondary start gets --full, and once it synchronised the policy is default again; a malformed
// policy is refused naming what is accepted.
let rfs: RfsNode;

beforeAll(async () => {
  rfs = await startRfsNode();
}, 30_000);

afterAll(async () => {
  await rfs?.stop();
});

test('rfssync full: shown, applied to the next synchronisation as secondary, then default again', async () => {
  expect((await rfs.cli('rfssync', '-m', 'demo')).out).toBe(
    'rfssync default: the next synchronisation copies what changed',
  );
  const external = await rfs.cli('rfssync', 'external', 'primary', 'backup1', '-m', 'demo');
  expect(external.code).not.toBe(0);
  expect(external.err).toContain('rfssync external takes prim or second, then a uid');

  expect(await rfs.cli('rfssync', 'full', '-m', 'demo')).toMatchObject({
    code: 0,
    out: 'rfssync full: the next synchronisation of this node as secondary copies every file',
  });
  expect((await rfs.cli('get', '-m', 'demo', '-r', 'usersetting.rfssyncmode')).out).toBe('full');

  rfs.peerIsPrimary({ 'rfs.uptodate': 'up' });
  expect((await rfs.cli('second', '-m', 'demo')).code).toBe(0);
  expect(await rfs.cli('waitstate', '-m', 'demo', 'SECOND', '-t', '20')).toMatchObject({ code: 0 });
  expect(rfs.daemonCalls()[0]).toContain('--full');
  // The fake daemon synchronised: the policy went back to default.
  expect((await rfs.cli('get', '-m', 'demo', '-r', 'usersetting.rfssyncmode')).out).toBe('default');

  expect((await rfs.cli('stop', '-m', 'demo')).code).toBe(0);
  expect((await rfs.cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);
}, 60_000);
