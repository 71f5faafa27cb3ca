// The rfs service (its Nest module, on the bus transport) with a fake daemon port and the
// in-memory bus: how rfs.cmd is answered, what the daemon's events become on the bus, and how
// daemons are stopped.
import {
  BusRemoteError,
  codecs,
  rpcs,
  subjects,
  type BusPort,
  type Envelope,
  type ResourceSet,
  type RfsCommand,
  type RfsEvent,
  type ServicePresence,
} from '@keel/bus';
import type { INestMicroservice } from '@nestjs/common';
import { nodePaths } from '@keel/config';
import { createLogger, createMetrics, startOnBus } from '@keel/runtime';
import { createCapturingSink, createInbox, InMemoryBusNetwork } from '@keel/testing';
import { RfsModule } from '../src/rfs.module';
import { RfsService, type RfsServiceOptions } from '../src/service/rfs.service';
import { FakeDaemons } from './support/fake-daemons';
import { cluster, mirrorXml, planFor } from './support/fixtures';
import { stats } from './support/stats';

const TIMEOUT = { timeoutMs: 2_000 };
const open: INestMicroservice[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

/** The service under test, started, with the fake daemons and a bus participant playing admin. */
async function build(options: RfsServiceOptions = {}, plan = planFor()) {
  const network = new InMemoryBusNetwork();
  const bus = network.connect({ source: { service: 'rfs', node: 'node1' } });
  const admin = network.connect({ source: { service: 'admin', node: 'node1' } });
  const events = createInbox<RfsEvent>();
  const resources = createInbox<ResourceSet>();
  const presence = createInbox<ServicePresence['status']>();
  await admin.subscribe(subjects.anyModule('rfsEvent'), codecs.rfsEvent, (m: Envelope<RfsEvent>) =>
    events.push(m.payload),
  );
  await admin.subscribe(subjects.anyModule('resourceSet'), codecs.resourceSet, (m) =>
    resources.push(m.payload),
  );
  await admin.subscribe(subjects.anyPresence(), codecs.servicePresence, (m) =>
    presence.push(m.payload.status),
  );
  const sink = createCapturingSink();
  const logger = createLogger({ service: 'rfs', node: 'node1', sink });
  const daemons = new FakeDaemons();
  const metrics = createMetrics({ service: 'rfs', node: 'node1' });
  const module = RfsModule.forRoot({
    settings: {
      paths: nodePaths({}),
      natsUrl: 'nats://127.0.0.1:1',
      cluster: cluster(),
      node: 'node1',
      plan,
      binary: '/opt/keel/keel-rfsd',
      notes: [],
    },
    bus: bus as BusPort,
    daemons,
    logger,
    metrics,
    service: { mountTimeoutMs: 1_000, stopTimeoutMs: 50, killWaitMs: 50, ...options },
  });
  const app = await startOnBus(module, { logger: false });
  open.push(app);
  const service = app.get(RfsService);
  const ask = (role: RfsCommand['role'], full = false, module = 'web') =>
    admin.request(subjects.rfsCmd(module), rpcs.rfsCommand, { module, role, full }, TIMEOUT);
  const logs = () => sink.lines.map((l) => JSON.parse(l) as { level: string; msg: string; module?: string });
  return { sut: service, app, admin, daemons, ask, events, resources, presence, logs, metrics };
}

const turn = () => new Promise((r) => setImmediate(r));

test('primary: keel-rfsd is started with the plan, and the command is answered once every dir is mounted', async () => {
  const { sut, daemons, ask, events, resources } = await build();
  daemons.behaviour = () => undefined; // the daemon takes its time to mount
  let answered = false;
  const reply = ask('primary').then((r) => ((answered = true), r));
  await turn();
  const d = daemons.last;
  expect(d.spec).toEqual({
    module: 'web',
    binary: '/opt/keel/keel-rfsd',
    args: expect.arrayContaining(['--role', 'primary', '--listen', '192.168.2.1:5608']),
    stateDir: '/var/lib/keel/modules/web/rfs',
    // rfsdiff asks on it (a deadline only under an arbiter).
    control: true,
  });
  await turn();
  expect(answered).toBe(false);

  d.emit({ event: 'mounted' });

  expect(await reply).toEqual({ ok: true, message: 'replicated directories mounted' });
  expect(await events.next()).toEqual({ module: 'web', event: 'mounted', role: 'primary', pid: d.pid });
  expect(await resources.next()).toEqual({
    module: 'web',
    name: 'rfs.degraded',
    value: 'down',
    component: 'rfs',
  });
  expect(sut.role('web')).toBe('primary');
});

test('secondary: the resynchronisation and the link are reported as rfs events with their details', async () => {
  const { daemons, ask, events } = await build();
  expect(await ask('secondary', true)).toMatchObject({ ok: true });
  const d = daemons.last;
  expect(d.arg('connect')).toBe('10.0.2.2:5608');
  expect(d.spec.args).toContain('--full');

  d.emit({ event: 'connected', peer: '10.0.2.2:5608' });
  d.emit({ event: 'reintegration', full: true });
  d.emit({ event: 'synced', files: 3, bytes: 4096, ms: 20 });
  d.emit({ event: 'link-lost', reason: 'connection reset' });

  const seen = await events.take(5);
  expect(seen.map((e) => e.event)).toEqual(['mounted', 'connected', 'reintegration', 'synced', 'link-lost']);
  expect(seen[1]).toMatchObject({ role: 'secondary', peer: '10.0.2.2:5608' });
  expect(seen[3]).toEqual({
    module: 'web',
    event: 'synced',
    role: 'secondary',
    pid: d.pid,
    files: 3,
    bytes: 4096,
    ms: 20,
  });
  expect(seen[4]).toMatchObject({ reason: 'connection reset' });
});

test('a daemon that exits before mounting fails the command with its last error', async () => {
  const { daemons, ask, events } = await build();
  daemons.behaviour = (d) => {
    d.emit({ event: 'error', message: 'cannot mount /srv/data: FUSE unavailable' });
    d.exit(1);
  };
  expect(await ask('primary')).toEqual({
    ok: false,
    message: 'keel-rfsd exited (code 1) before mounting: cannot mount /srv/data: FUSE unavailable',
  });
  expect((await events.take(2)).map((e) => [e.event, e.requested])).toEqual([
    ['error', undefined],
    ['exited', false],
  ]);
});

test('a missing daemon binary fails the command with how to build it', async () => {
  const { daemons, ask } = await build();
  daemons.missing = true;
  expect(await ask('secondary')).toEqual({
    ok: false,
    message: 'cannot start /opt/keel/keel-rfsd: no such file',
  });
});

test('stopped: SIGTERM, answered once the daemon is gone', async () => {
  const { sut, daemons, ask, events } = await build();
  await ask('primary');
  const d = daemons.last;
  expect(await ask('stopped')).toEqual({ ok: true, message: 'replication stopped' });
  expect(d.signals).toEqual(['SIGTERM']);
  expect(d.alive).toBe(false);
  expect(sut.role('web')).toBeUndefined();
  expect((await events.take(2))[1]).toMatchObject({ event: 'exited', code: 0, requested: true });
  expect(await ask('stopped')).toEqual({ ok: true, message: 'replication not running' });
});

test('stopped on a secondary: SIGUSR1, so that it tells its primary it leaves; a role change does not', async () => {
  const { daemons, ask } = await build();
  await ask('secondary');
  const d = daemons.last;
  expect(await ask('stopped')).toEqual({ ok: true, message: 'replication stopped' });
  expect(d.signals).toEqual(['SIGUSR1']);
  await ask('secondary');
  const again = daemons.last;
  await ask('primary');
  expect(again.signals).toEqual(['SIGTERM']);
});

test('a daemon that does not stop is killed after the stop timeout', async () => {
  const { daemons, ask, logs } = await build();
  await ask('secondary');
  daemons.last.onTerm = 'ignore';
  expect(await ask('stopped')).toEqual({
    ok: true,
    message: 'replication stopped (killed; the next start clears its mount)',
  });
  // A secondary is asked to leave (SIGUSR1), as any stopped secondary.
  expect(daemons.last.signals).toEqual(['SIGUSR1', 'SIGKILL']);
  expect(logs().some((l) => l.level === 'warn' && /SIGKILL/.test(l.msg))).toBe(true);
});

test('a daemon that survives SIGKILL fails the stop', async () => {
  const { daemons, ask } = await build();
  await ask('secondary');
  daemons.last.onTerm = 'ignore';
  daemons.last.onKill = 'ignore';
  expect(await ask('stopped')).toEqual({
    ok: false,
    message: `keel-rfsd (pid ${daemons.last.pid}) did not exit after SIGKILL`,
  });
});

test('a role change stops the old daemon before the new one starts; the same role again is a no-op', async () => {
  const { daemons, ask } = await build();
  await ask('secondary');
  const second = daemons.last;
  expect(await ask('primary')).toMatchObject({ ok: true });
  expect(second.alive).toBe(false);
  expect(daemons.spawned).toHaveLength(2);
  expect(daemons.last.arg('role')).toBe('primary');

  expect(await ask('primary')).toEqual({ ok: true, message: 'already primary' });
  expect(daemons.spawned).toHaveLength(2);
});

test('commands are handled one at a time, in order', async () => {
  const { daemons, ask } = await build();
  const replies = await Promise.all([ask('secondary'), ask('stopped'), ask('primary')]);
  expect(replies.map((r) => r.ok)).toEqual([true, true, true]);
  expect(daemons.spawned.map((d) => [d.arg('role'), d.signals.join(',')])).toEqual([
    ['secondary', 'SIGUSR1'],
    ['primary', ''],
  ]);
});

test('a primary whose daemon dies on its own is degraded (reference §3.6)', async () => {
  const { daemons, ask, events, resources, logs } = await build();
  await ask('primary');
  await resources.next(); // rfs.degraded down at mount
  daemons.last.exit(null, 'SIGSEGV');
  expect(await resources.next()).toMatchObject({ name: 'rfs.degraded', value: 'up', component: 'rfs' });
  expect((await events.take(2))[1]).toMatchObject({ event: 'exited', signal: 'SIGSEGV', requested: false });
  expect(
    logs().some((l) => l.level === 'error' && l.msg === 'keel-rfsd exited unexpectedly (signal SIGSEGV)'),
  ).toBe(true);
});

test('a daemon that does not mount in time is stopped and the command fails', async () => {
  const { daemons, ask } = await build({ mountTimeoutMs: 30 });
  daemons.behaviour = () => undefined;
  expect(await ask('secondary')).toEqual({
    ok: false,
    message: 'keel-rfsd did not mount the replicated directories within 0.03s',
  });
  expect(daemons.last.signals).toEqual(['SIGTERM']);
  expect(daemons.last.alive).toBe(false);
});

test('stderr lines go to the service log with the module', async () => {
  const { daemons, ask, logs } = await build();
  await ask('primary');
  daemons.last.stderr('exporting /srv/data');
  expect(logs()).toContainEqual(
    expect.objectContaining({ level: 'info', msg: 'keel-rfsd: exporting /srv/data', module: 'web' }),
  );
});

test('a module that cannot replicate here is answered with why, not left without responder', async () => {
  const legacy = planFor(
    `<safe><service mode="mirror"><heart><heartbeat><server addr="10.0.1.2"/></heartbeat></heart>
      <rfs><flow><server addr="10.0.1.2"/></flow><replicated dir="/srv/data"/></rfs></service></safe>`,
  );
  const { ask } = await build({}, legacy);
  const failure = ask('primary').catch((e: unknown) => e);
  expect(await failure).toBeInstanceOf(BusRemoteError);
  expect(await failure).toMatchObject({
    code: 'NOT_REPLICATED',
    message: expect.stringMatching(/cannot replicate: no replication LAN/),
  });
});

test('announces itself, and stopping the service stops every daemon', async () => {
  const { app, daemons, ask, presence } = await build();
  expect(await presence.take(2)).toEqual(['starting', 'ready']);
  await ask('primary');
  await app.close();
  expect(await presence.next()).toBe('stopping');
  expect(daemons.last.signals).toEqual(['SIGTERM']);
  expect(daemons.last.alive).toBe(false);
});

test('a shutdown during a pending start does not wait for the mount', async () => {
  const { sut, daemons, ask } = await build({ mountTimeoutMs: 60_000 });
  daemons.behaviour = () => undefined;
  const reply = ask('secondary');
  await turn();
  await sut.stop();
  expect(await reply).toEqual({ ok: false, message: 'keel-rfsd exited (code 0) before mounting' });
});

test('a role request naming another module than its subject is refused and changes nothing', async () => {
  const { daemons, admin } = await build();
  const failure = await admin
    .request(subjects.rfsCmd('web'), rpcs.rfsCommand, { module: 'db', role: 'primary', full: false }, TIMEOUT)
    .catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(BusRemoteError);
  expect(failure).toMatchObject({
    code: 'BAD_REQUEST',
    remoteMessage: 'a role for db sent on the subject of web',
  });
  expect(daemons.spawned).toEqual([]);
});

describe('write deadlines under the lease arbiter (docs/decisions/0019)', () => {
  const arbitrated = () => planFor(mirrorXml({ check: '<arbiter ident="lease" ttl="4s" fence="500ms"/>' }));
  const window = (admin: BusPort, deadlineMs: number, module = 'web') =>
    admin.request(subjects.rfsWindow(module), rpcs.rfsWindow, { module, deadlineMs }, TIMEOUT);

  test('a deadline given before the primary starts opens it as it starts; later ones reach it at once', async () => {
    const { admin, daemons, ask } = await build({}, arbitrated());
    expect(await window(admin, 51_131_499.9)).toEqual({ ok: true, message: 'kept for the next primary' });
    expect(await ask('primary')).toMatchObject({ ok: true });
    const d = daemons.last;
    expect(d.spec).toMatchObject({ control: true, args: expect.arrayContaining(['--write-deadline-stdin']) });
    expect(d.controlLines).toEqual(['deadline 51131499000000\n']);
    expect(await window(admin, 51_133_000)).toEqual({ ok: true, message: 'written to the primary' });
    // A past time closes writes: it is written as it is.
    expect(await window(admin, 0)).toEqual({ ok: true, message: 'written to the primary' });
    expect(d.controlLines.slice(1)).toEqual(['deadline 51133000000000\n', 'deadline 0\n']);
  });

  test('a secondary reads no deadline: none is written on its control pipe', async () => {
    const { admin, daemons, ask } = await build({}, arbitrated());
    expect(await ask('secondary')).toMatchObject({ ok: true });
    expect(await window(admin, 51_133_000)).toEqual({ ok: true, message: 'kept for the next primary' });
    expect(daemons.last.spec.control).toBe(true);
    expect(daemons.last.controlLines).toEqual([]);
  });

  test('a module without an arbiter refuses deadlines: its primary would not be bounded by them', async () => {
    const { admin, daemons, ask } = await build();
    expect(await ask('primary')).toMatchObject({ ok: true });
    await expect(window(admin, 51_133_000)).rejects.toMatchObject({ code: 'NOT_ARBITRATED' });
    expect(daemons.last.spec.args).not.toContain('--write-deadline-stdin');
  });

  test('a deadline for a module of another subject, or an unknown module, is refused', async () => {
    const { admin } = await build({}, arbitrated());
    await expect(
      admin.request(subjects.rfsWindow('web'), rpcs.rfsWindow, { module: 'db', deadlineMs: 1 }, TIMEOUT),
    ).rejects.toBeInstanceOf(BusRemoteError);
    await expect(window(admin, 1, 'db')).rejects.toMatchObject({ code: 'NOT_REPLICATED' });
  });
});

test('primary: stats go to the metrics; only a running reintegration, and its end once, reach admin as progress', async () => {
  const { ask, daemons, events, metrics } = await build();
  expect(await ask('primary')).toMatchObject({ ok: true });
  const d = daemons.last;
  expect(await events.next()).toMatchObject({ event: 'mounted' });

  d.emit(stats({ live_ops: 2, live_bytes: 300 }));
  d.emit(
    stats({ rei_running: true, rei_run: 1, rei_pass: 1, rei_files_done: 1, rei_bytes_done: 10, rei_ms: 5 }),
  );
  d.emit(
    stats({
      rei_run: 1,
      rei_pass: 1,
      rei_files_done: 2,
      rei_bytes_done: 20,
      rei_copied_bytes: 20,
      rei_ms: 8,
    }),
  );
  d.emit(stats({ rei_run: 1, rei_pass: 1, rei_files_done: 2, rei_bytes_done: 20, rei_ms: 8, live_ops: 3 }));
  d.emit({ event: 'link-lost', reason: 'test' });

  const seen = await events.take(3);
  expect(seen.map((e) => [e.event, e.progress?.running])).toEqual([
    ['progress', true],
    ['progress', false],
    ['link-lost', undefined],
  ]);
  expect(seen[1]).toMatchObject({
    module: 'web',
    role: 'primary',
    pid: d.pid,
    progress: { copiedBytes: 20 },
  });
  expect(await metrics.metrics()).toContain(
    'keel_rfs_replicated_bytes_total{module="web",origin="live",service="rfs",node="node1"} 300',
  );
});

test('primary: rfs.rep_bandwidth and rfs.rei_bandwidth, 3-s averages in KB/s, reach admin when they change, and 0 once idle', async () => {
  let now = 0;
  let tick: () => void = () => undefined;
  const clock = {
    now: () => now,
    every: (_ms: number, fn: () => void) => ((tick = fn), { cancel: () => (tick = () => undefined) }),
  };
  const { ask, daemons, events } = await build({ clock });
  expect(await ask('primary')).toMatchObject({ ok: true });
  const d = daemons.last;
  expect(await events.next()).toMatchObject({ event: 'mounted' });

  now = 1000;
  d.emit(stats({ live_bytes: 3 * 1024 * 100, rei_bytes: 3 * 1024 * 40 }));
  expect(await events.next()).toMatchObject({
    event: 'bandwidth',
    role: 'primary',
    repKBps: 100,
    reiKBps: 40,
  });
  // The daemon says nothing more: the averages fall as the window slides past its bytes.
  now = 2000;
  tick();
  now = 3000;
  tick();
  now = 4000;
  tick();
  expect(await events.next()).toMatchObject({ event: 'bandwidth', repKBps: 0, reiKBps: 0 });
  // Said once: the same value again is not.
  now = 5000;
  tick();
  d.emit({ event: 'link-lost', reason: 'test' });
  expect(await events.next()).toMatchObject({ event: 'link-lost' });
});

describe('rfsdiff and rfsverify (keel.v1.<module>.rfs.query)', () => {
  const query = (admin: BusPort, q: 'diff' | 'verify', module = 'web') =>
    admin.request(subjects.rfsQuery(module), rpcs.rfsQuery, { module, query: q }, TIMEOUT);

  test('rfsdiff is asked on the primary’s control pipe and answered by its diff event', async () => {
    const { admin, daemons, ask } = await build();
    expect(await ask('primary')).toMatchObject({ ok: true });
    const d = daemons.last;
    const reply = query(admin, 'diff');
    await turn();
    expect(d.controlLines).toEqual(['diff\n']);
    d.emit({
      event: 'diff',
      mode: 'zones',
      files: 3,
      bytes: 22_288,
      rate_bps: 1000,
      seconds: 23,
      partial: false,
    });
    expect(await reply).toEqual({
      ok: true,
      mode: 'zones',
      files: 3,
      bytes: 22_288,
      rateBps: 1000,
      seconds: 23,
      partial: false,
    });
  });

  test('rfsverify gathers the differences the secondary reports until the end of the pass', async () => {
    const { admin, daemons, ask, events } = await build();
    expect(await ask('secondary')).toMatchObject({ ok: true });
    const d = daemons.last;
    const reply = query(admin, 'verify');
    await turn();
    expect(d.controlLines).toEqual(['verify\n']);
    d.emit({ event: 'verify-diff', dir: 0, path: 'a/f', kind: 'file', differs: ['content'] });
    d.emit({ event: 'verify-diff', dir: 0, path: 'gone', kind: 'file', differs: ['missing'] });
    d.emit({ event: 'verified', files: 10, differ: 2, complete: true });
    expect(await reply).toEqual({
      ok: true,
      files: 10,
      differ: 2,
      partial: false,
      differences: [
        { dir: 0, path: 'a/f', kind: 'file', differs: ['content'] },
        { dir: 0, path: 'gone', kind: 'file', differs: ['missing'] },
      ],
    });
    // Answers, not news for the bus: only the mount was published.
    expect((await events.take(1)).map((e) => e.event)).toEqual(['mounted']);
    await turn();
    expect(events.pending).toBe(0);
  });

  test('a query of the wrong role, without a daemon, or refused by it, fails saying why', async () => {
    const { admin, daemons, ask } = await build();
    expect(await query(admin, 'diff')).toEqual({
      ok: false,
      message: 'no replication daemon runs for web on this node',
    });
    expect(await ask('primary')).toMatchObject({ ok: true });
    expect(await query(admin, 'verify')).toEqual({
      ok: false,
      message: 'rfsverify needs the secondary replication daemon: this node runs the primary',
    });
    const reply = query(admin, 'diff');
    await turn();
    daemons.last.emit({ event: 'refused', request: 'diff', reason: 'an rfsdiff is already running' });
    expect(await reply).toEqual({ ok: false, message: 'an rfsdiff is already running' });
  });

  test('a daemon that exits before it answered fails the query', async () => {
    const { admin, daemons, ask } = await build();
    expect(await ask('secondary')).toMatchObject({ ok: true });
    const reply = query(admin, 'verify');
    await turn();
    daemons.last.exit(1);
    expect(await reply).toEqual({ ok: false, message: 'keel-rfsd exited before it answered' });
  });
});

test('secondary: rfs.netin_bandwidth comes from its net reports', async () => {
  let now = 0;
  const clock = { now: () => now, every: () => ({ cancel: () => undefined }) };
  const { ask, daemons, events } = await build({ clock });
  expect(await ask('secondary')).toMatchObject({ ok: true });
  expect(await events.next()).toMatchObject({ event: 'mounted' });
  now = 1000;
  daemons.last.emit({ event: 'net', out_bytes: 0, in_bytes: 3 * 1024 * 50 });
  expect(await events.next()).toMatchObject({
    event: 'bandwidth',
    role: 'secondary',
    netinKBps: 50,
    netoutKBps: 0,
  });
});
