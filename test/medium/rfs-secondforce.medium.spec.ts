import { startRfsNode, type RfsNode } from './rfs-node';

// `keel secondforce -d <date>` end to end on one node (guide §5.7.5): a real nats-server, the admin
// and rfs services, the keel CLI and the fake keel-rfsd (rfs-node.ts); the peer's heartbeat
// view (a Ready primary) is published by the test. A bad date is refused by admin naming -d and
// the formats, and nothing starts; a good one starts the module as secondary and the daemon gets
// `--since` with the date in seconds, instead of `--full`.
let rfs: RfsNode;

beforeAll(async () => {
  rfs = await startRfsNode();
}, 30_000);

afterAll(async () => {
  await rfs?.stop();
});

test('a bad date is refused naming -d and the formats; nothing starts', async () => {
  const r = await rfs.cli('secondforce', '-d', '2026-13-01', '-m', 'demo');
  expect(r.code).not.toBe(0);
  expect(r.err).toContain(
    `keel secondforce: secondforce -d '2026-13-01' does not exist: give a date as YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z]`,
  );
  expect((await rfs.cli('secondforce', '-m', 'demo')).err).toContain('secondforce needs -d <date>');
  expect((await rfs.cli('state', '-m', 'demo')).out).toContain('demo: STOP');
  expect(rfs.daemonCalls()).toEqual([]);
}, 60_000);

test('secondforce -d starts the module as secondary and the daemon copies the files modified since', async () => {
  rfs.peerIsPrimary();
  expect(await rfs.cli('secondforce', '-d', '2026-01-02T03:04:05Z', '-m', 'demo')).toMatchObject({ code: 0 });
  expect(await rfs.cli('waitstate', '-m', 'demo', 'SECOND', '-t', '20')).toMatchObject({ code: 0 });
  const [call] = rfs.daemonCalls();
  expect(call).toEqual(expect.arrayContaining(['--role', 'secondary']));
  expect(call?.[call.indexOf('--since') + 1]).toBe(String(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000));
  expect(call).not.toContain('--full');
  expect((await rfs.cli('log', '-m', 'demo')).out).toMatch(/ I Action secondforce called by /);
  const verbose = (await rfs.cli('log', '-m', 'demo', '-v')).out;
  expect(verbose).toContain(
    'V Replication secondary (files modified since 2026-01-02T03:04:05.000Z) requested',
  );

  expect((await rfs.cli('stop', '-m', 'demo')).code).toBe(0);
  expect((await rfs.cli('waitstop', '-m', 'demo', '-t', '20')).code).toBe(0);
}, 60_000);
