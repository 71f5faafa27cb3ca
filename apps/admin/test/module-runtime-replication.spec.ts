import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codecs, rpcs, subjects, type RfsCommand, type RfsCommandResult, type RfsEvent } from '@keel/bus';
import { createInbox, type InMemoryBusNetwork, type Inbox } from '@keel/testing';
import { copiedStatistics, SYNC_GUARD_MESSAGE } from '../src/modules/replication';
import { runtimeHarness } from './support/runtime-harness';

// A module with replicated directories: the runtime asks the node's rfs service (a fake served
// on the in-memory bus) for each replication role, holds the effects that follow until it is
// answered, and turns the daemon's events into engine inputs and module-log lines.
const MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <rfs><replicated dir="/srv/data"/><replicated dir="/srv/logs"/></rfs><user/></service></safe>`;

/** The node's rfs service, played by the test: each request waits for `answer`. */
class FakeRfs {
  readonly requests: Inbox<RfsCommand> = createInbox();
  private readonly answers: Array<(r: RfsCommandResult) => void> = [];
  /** Answer every request at once with this, instead of waiting for the test. */
  auto: RfsCommandResult | undefined;

  handle = (command: RfsCommand): Promise<RfsCommandResult> | RfsCommandResult => {
    this.requests.push(command);
    if (this.auto) return this.auto;
    return new Promise((resolve) => this.answers.push(resolve));
  };

  /** Answers every request still waiting (the test is over). */
  drain(): void {
    while (this.answers.length > 0) this.answer({ ok: false, message: 'the test is over' });
  }

  answer(r: RfsCommandResult = { ok: true, message: 'mounted' }): void {
    const next = this.answers.shift();
    if (!next) throw new Error('no rfs request waits for an answer');
    next(r);
  }
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-runtime-rfs-'))));
/** The last harness built: what it still waits for ends before its directory goes. */
let last: { rfs: FakeRfs; settle: () => Promise<void> } | undefined;
afterEach(async () => {
  last?.rfs.drain();
  await last?.settle();
  last = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function build(options: { rfs?: boolean } = {}) {
  const rfs = new FakeRfs();
  let rfsBus: ReturnType<InMemoryBusNetwork['connect']> | undefined;
  const h = await runtimeHarness(dir, MODULE, {
    rfsTimeoutMs: 500,
    services: async (network) => {
      rfsBus = network.connect({ source: { service: 'rfs', node: 'node1' } });
      if (options.rfs !== false)
        await rfsBus.serve(subjects.rfsCmd('demo'), rpcs.rfsCommand, (req) => rfs.handle(req.payload));
    },
  });
  // The daemon's events reach the runtime as admin's subscription would deliver them.
  const daemonSays = (e: Omit<RfsEvent, 'module'>) => {
    rfsBus?.publish(subjects.rfsEvent('demo'), codecs.rfsEvent, { module: 'demo', ...e });
  };
  await h.bus.subscribe(subjects.rfsEvent('demo'), codecs.rfsEvent, (m) => h.sut.replicationEvent(m.payload));
  last = { rfs, settle: h.settle };
  return { ...h, rfs, daemonSays };
}

/** prim on node1 (its peer silent): WAIT, then ALONE once it has listened for a heartbeat timeout. */
async function primUntilReplication(h: Awaited<ReturnType<typeof build>>) {
  expect(await h.sut.command('prim', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.settle();
  await h.pass(1250);
  return h.rfs.requests.next();
}

test("a primary's start scripts wait until rfs has mounted the replicated directories", async () => {
  const h = await build();
  expect(await primUntilReplication(h)).toEqual({ module: 'demo', role: 'primary', full: false });
  const before = h.scripts();
  expect(before).toEqual(['transition STOP WAIT start', 'prestart STOP WAIT start']);
  await h.pass(500);
  expect(h.scripts()).toEqual(before);
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Transient' });

  h.rfs.answer({ ok: true, message: 'replicated directories mounted' });
  await h.settle();

  expect(h.scripts().slice(before.length)).toEqual([
    'transition WAIT ALONE start',
    'start_both WAIT ALONE start',
    'start_prim WAIT ALONE start',
    'start_sec WAIT ALONE start',
  ]);
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
  expect(h.logText(true)).toContain('V Replication primary: replicated directories mounted');
});

test('the stop goes on once the daemon is gone: stop scripts, replication stopped, then the rest', async () => {
  const h = await build();
  await primUntilReplication(h);
  h.rfs.answer();
  await h.settle();
  const started = h.scripts().length;

  await h.sut.command('stop', [], undefined, 'cli');
  await h.settle();

  expect(await h.rfs.requests.next()).toEqual({ module: 'demo', role: 'stopped', full: false });
  const stopping = [
    'stop_sec ALONE WAIT stop',
    'stop_prim ALONE WAIT stop',
    'stop_both ALONE WAIT stop',
    'transition ALONE WAIT stop',
  ];
  await h.pass(500);
  expect(h.scripts().slice(started)).toEqual(stopping);

  h.rfs.answer({ ok: true, message: 'replication stopped' });
  await h.settle();

  expect(h.scripts().slice(started + stopping.length)).toEqual(
    expect.arrayContaining(['poststop WAIT STOP stop', 'transition WAIT STOP stop']),
  );
  expect(h.sut.state.state).toBe('STOP');
});

test('a primary whose daemon dies restarts: the application stops and starts again on a fresh mount', async () => {
  const h = await build();
  await primUntilReplication(h);
  h.rfs.answer();
  await h.settle();
  h.rfs.auto = { ok: true, message: 'done' };
  const started = h.scripts().length;

  h.daemonSays({ event: 'exited', role: 'primary', pid: 3, code: null, signal: 'SIGKILL', requested: false });
  await h.pass(1500);

  expect(h.logText()).toEqual(
    expect.arrayContaining([
      'E Replication process exited (signal SIGKILL)',
      'E Replicated directories unusable on the primary: the module restarts',
      'I Action stopstart called by rfs',
    ]),
  );
  const after = h.scripts().slice(started);
  expect(after).toEqual(
    expect.arrayContaining(['stop_prim ALONE WAIT stopstart', 'start_prim WAIT ALONE start']),
  );
  expect(after.indexOf('stop_prim ALONE WAIT stopstart')).toBeLessThan(
    after.indexOf('start_prim WAIT ALONE start'),
  );
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
});

test('a command during a pending replication request is answered at once; what it does comes after', async () => {
  const h = await build();
  await primUntilReplication(h);
  const before = h.scripts().length;
  expect(await h.sut.command('stop', [], undefined, 'cli')).toEqual({ ok: true, message: 'stop accepted' });
  expect(h.scripts()).toHaveLength(before);

  h.rfs.auto = { ok: true, message: 'replication stopped' };
  h.rfs.answer();
  await h.settle();

  // The start completes first (the automaton queued the stop behind it), then the stop runs.
  const after = h.scripts().slice(before);
  expect(after.indexOf('start_prim WAIT ALONE start')).toBeLessThan(
    after.indexOf('stop_prim ALONE WAIT stop'),
  );
  expect(h.sut.state.state).toBe('STOP');
});

test('a replication that cannot start stops the module without running the start scripts', async () => {
  const h = await build();
  await primUntilReplication(h);
  h.rfs.auto = { ok: true, message: 'replication not running' };
  h.rfs.answer({ ok: false, message: 'keel-rfsd exited (code 1) before mounting: FUSE unavailable' });
  await h.settle();
  await h.pass(250);

  expect(h.scripts().filter((s) => s.startsWith('start_'))).toEqual([]);
  expect(h.sut.state.state).toBe('STOP');
  const log = h.logText();
  expect(log).toContain(
    'E Replication primary failed: keel-rfsd exited (code 1) before mounting: FUSE unavailable',
  );
  expect(log).toContain('E Replication could not start: the module stops without running its start scripts');
  expect(log).toContain('I Action forcestop called by rfs');
});

test('without an rfs service on the node the start fails the same way, saying so', async () => {
  const h = await build({ rfs: false });
  expect(await h.sut.command('prim', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.settle();
  await h.pass(1500);
  expect(h.logText()).toContain('E Replication primary failed: the rfs service of this node is not running');
  expect(h.sut.state.state).toBe('STOP');
});

/** second on node1 with node2 PRIM (Ready): rfs is asked for a secondary with a full copy. */
async function secondUntilReplication(h: Awaited<ReturnType<typeof build>>) {
  h.sut.peer({ state: 'PRIM', readiness: 'Ready' }, {});
  expect(await h.sut.command('second', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.settle();
  await h.pass(250);
  return h.rfs.requests.next();
}

test("a secondary's reintegration ends with SafeKit's lines, then its start scripts and SECOND (Ready)", async () => {
  const h = await build();
  expect(await secondUntilReplication(h)).toEqual({ module: 'demo', role: 'secondary', full: true });
  h.daemonSays({ event: 'mounted', role: 'secondary', pid: 7 });
  h.rfs.answer();
  await h.settle();
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Transient' });
  const before = h.scripts().length;

  h.daemonSays({ event: 'connected', role: 'secondary', pid: 7, peer: '198.18.0.2:5600' });
  h.daemonSays({ event: 'reintegration', role: 'secondary', pid: 7, full: true });
  await h.settle();
  expect(h.scripts()).toHaveLength(before);
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 2, bytes: 2048, ms: 500 });
  await h.settle();

  expect(h.logText()).toEqual(
    expect.arrayContaining([
      'I Full reintegration of the replicated directories',
      'I Updating directory tree from /srv/data',
      'I Updating directory tree from /srv/logs',
      'I Copied 2.0 KB in 2 files in 0.5 s (4 KB/s)',
      'I Reintegration ended (synchronize)',
    ]),
  );
  expect(h.scripts().slice(before)).toEqual([
    'transition WAIT SECOND start',
    'start_both WAIT SECOND start',
    'start_second WAIT SECOND start',
    'start_sec WAIT SECOND start',
  ]);
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
});

test('a synced that comes before the answer still ends the reintegration, after the answer', async () => {
  const h = await build();
  await secondUntilReplication(h);
  h.daemonSays({ event: 'mounted', role: 'secondary', pid: 7 });
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 0, bytes: 0, ms: 3 });
  await h.settle();
  expect(h.scripts().some((s) => s.startsWith('start_second'))).toBe(false);

  h.rfs.answer();
  await h.settle();

  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
  expect(h.logText().filter((l) => l.startsWith('I Copied'))).toEqual([]);
});

async function secondReady(h: Awaited<ReturnType<typeof build>>) {
  await secondUntilReplication(h);
  h.rfs.answer();
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 0, bytes: 0, ms: 3 });
  await h.settle();
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
  h.rfs.auto = { ok: true, message: 'done' };
}

test("a secondary whose daemon refuses to reintegrate (the 90 s guard) logs SafeKit's line and stops", async () => {
  const h = await build();
  await secondUntilReplication(h);
  h.daemonSays({ event: 'mounted', role: 'secondary', pid: 7 });
  h.rfs.answer();
  await h.settle();
  h.rfs.auto = { ok: true, message: 'done' };
  h.daemonSays({ event: 'error', role: 'secondary', pid: 7, message: SYNC_GUARD_MESSAGE });
  h.daemonSays({ event: 'exited', role: 'secondary', pid: 7, code: 0, requested: false });
  await h.settle();
  await h.pass(3000);
  expect(h.logText()).toEqual(
    expect.arrayContaining([`E ${SYNC_GUARD_MESSAGE}`, 'I Action stop called by rfs']),
  );
  expect(h.logText()).not.toContain('E Replication process exited (code 0)');
  expect(h.sut.state.state).toBe('STOP');
});

test('a secondary whose link is lost while its primary runs resynchronises (SECOND Transient), then is Ready', async () => {
  const h = await build();
  await secondReady(h);
  const scriptsBefore = h.scripts().length;
  h.rfs.auto = undefined;
  h.daemonSays({ event: 'link-lost', role: 'secondary', pid: 7, reason: 'connection reset' });
  await h.settle();
  // The heartbeats get their timeout (1 s) and a margin to report a primary that went away.
  await h.pass(1750);
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });

  await h.pass(500);

  expect(h.logText()).toEqual(
    expect.arrayContaining([
      'I Replication link lost: connection reset',
      'I Replication lost while the primary runs',
      'E Replication interrupted: resynchronizing from the primary',
    ]),
  );
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Transient' });
  // The daemon rejoins by itself: rfs is asked again (it answers at once, the daemon runs).
  expect(await h.rfs.requests.next()).toEqual({ module: 'demo', role: 'secondary', full: false });
  h.rfs.answer({ ok: true, message: 'already secondary' });
  h.daemonSays({ event: 'connected', role: 'secondary', pid: 7, peer: '198.18.0.2:5600' });
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 1, bytes: 512, ms: 10 });
  await h.settle();

  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
  expect(h.scripts()).toHaveLength(scriptsBefore);
});

test('a link lost because the primary crashed is left to the heartbeats: the secondary takes over', async () => {
  const h = await build();
  await secondReady(h);
  h.daemonSays({ event: 'link-lost', role: 'secondary', pid: 7, reason: 'unexpected end of file' });
  await h.pass(500);
  h.sut.peer('UNKNOWN', {});
  await h.pass(2500);
  expect(h.logText()).not.toContain('I Replication lost while the primary runs');
  expect(h.logText()).toContain('I Action alone called by heart: no heartbeat');
  // Straight from secondary to primary: rfs stops the read-only daemon before the primary mounts.
  expect(await h.rfs.requests.next()).toMatchObject({ role: 'primary', full: false });
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
});

test('a secondary that could not apply what it acknowledged is behind at once, and then refuses to take over', async () => {
  const h = await build();
  await secondReady(h);
  h.rfs.auto = undefined;
  h.daemonSays({
    event: 'behind',
    role: 'secondary',
    pid: 7,
    reason: 'could not apply a write it had acknowledged: No space left on device (os error 28)',
  });
  await h.settle();
  // No wait for the heartbeats: the copy is known to lack an acknowledged write.
  expect(h.logText()).toEqual(
    expect.arrayContaining([
      'E Replication: this copy is behind the primary: could not apply a write it had acknowledged: No space left on device (os error 28)',
      'E Replication interrupted: resynchronizing from the primary',
    ]),
  );
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Transient' });
  expect(await h.rfs.requests.next()).toEqual({ module: 'demo', role: 'secondary', full: false });
  h.rfs.answer({ ok: true, message: 'already secondary' });
  // The primary dies before the copy caught up: this node waits, it does not become primary.
  h.sut.peer('UNKNOWN', {});
  await h.pass(2500);
  expect(h.sut.state.state).not.toBe('ALONE');
  expect(h.logText()).toContain('E Reintegration interrupted: the primary is gone');
});

test('a primary that stops cleanly says so: nothing to resynchronise', async () => {
  const h = await build();
  await secondReady(h);
  h.daemonSays({ event: 'primary-stopped', role: 'secondary', pid: 7 });
  await h.pass(2500);
  expect(h.logText()).toContain('I Replication: the primary stopped replicating (this copy is complete)');
  expect(h.logText()).not.toContain('I Replication lost while the primary runs');
});

test('a link that comes back is not complete before it caught up, then is Ready again', async () => {
  const h = await build();
  await secondReady(h);
  h.daemonSays({ event: 'link-lost', role: 'secondary', pid: 7, reason: 'blip' });
  await h.pass(500);
  h.daemonSays({ event: 'connected', role: 'secondary', pid: 7, peer: '198.18.0.2:5600' });
  h.daemonSays({ event: 'reintegration', role: 'secondary', pid: 7, full: false });
  await h.settle();
  // While it reintegrates, the primary acknowledges changes this copy may not have applied yet.
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Transient' });
  h.daemonSays({ event: 'synced', role: 'secondary', pid: 7, files: 0, bytes: 0, ms: 5 });
  await h.pass(2500);
  expect(h.logText()).not.toContain('I Replication lost while the primary runs');
  expect(h.sut.state).toMatchObject({ state: 'SECOND', readiness: 'Ready' });
});

test('a restarted rfs service: a secondary resynchronises, a late event of a stopped daemon is ignored', async () => {
  const h = await build();
  await secondReady(h);
  h.daemonSays({ event: 'exited', role: 'primary', pid: 3, code: 1, signal: null, requested: false });
  h.sut.replicationServiceReady();
  await h.pass(2500);
  const log = h.logText();
  expect(log.filter((l) => l.startsWith('E Replication process exited'))).toEqual([]);
  expect(log).toContain('I Replication lost while the primary runs');
  expect(await h.rfs.requests.next()).toEqual({ module: 'demo', role: 'secondary', full: false });
});

test('copied statistics read like SafeKit: size, files, time and rate', () => {
  expect(copiedStatistics(1, 3 * 1024 * 1024, 1500)).toBe('3.0 MB in 1 file in 1.5 s (2048 KB/s)');
});

test("a primary's reintegration progress: rfs.reintegration at every report, a log line every 10 s and at its end", async () => {
  const h = await build();
  await primUntilReplication(h);
  h.daemonSays({ event: 'mounted', role: 'primary', pid: 7 });
  h.rfs.answer();
  await h.settle();
  const lines = () => h.logText().filter((l) => l.startsWith('I Reintegration'));
  const progress = (filesDone: number, running = true) =>
    h.daemonSays({
      event: 'progress',
      role: 'primary',
      pid: 7,
      progress: {
        running,
        pass: 1,
        filesDone,
        filesTotal: 100,
        bytesDone: filesDone * 1024 * 1024,
        bytesTotal: 100 * 1024 * 1024,
        copiedBytes: 4096,
        elapsedMs: 5000,
        bytesPerSecond: 2 * 1024 * 1024,
        ...(running ? { etaSeconds: 40 } : {}),
      },
    });

  progress(10);
  await h.settle();
  const value =
    'pass 1: 10 of 100 files, 10.0 MB of 100.0 MB (10%), 2.0 MB/s, about 40 s left, 4.0 KB copied';
  expect(h.sut.resources.get('rfs.reintegration')).toMatchObject({ value, by: 'rfs' });
  expect(lines()).toEqual([]);
  h.clock.now += 9_000;
  progress(20);
  await h.settle();
  expect(lines()).toEqual([]);
  h.clock.now += 1_000;
  progress(30);
  await h.settle();
  expect(lines()).toEqual([
    'I Reintegration pass 1: 30 of 100 files, 30.0 MB of 100.0 MB (30%), 2.0 MB/s, about 40 s left, 4.0 KB copied',
  ]);
  progress(100, false);
  await h.settle();
  expect(lines()[1]).toBe('I Reintegration done in 5.0 s: 100 files, 100.0 MB examined, 4.0 KB copied');
  // Quiet: the resource changes every second, the log says nothing of it.
  expect(h.logText(true).filter((l) => l.includes('rfs.reintegration'))).toEqual([]);
});

test("a primary's bandwidth sets rfs.rep_bandwidth and rfs.rei_bandwidth quietly (guide §5.7.5)", async () => {
  const h = await build();
  await primUntilReplication(h);
  h.daemonSays({ event: 'mounted', role: 'primary', pid: 7 });
  h.rfs.answer();
  await h.settle();

  h.daemonSays({
    event: 'bandwidth',
    role: 'primary',
    pid: 7,
    repKBps: 1200,
    reiKBps: 35,
    netoutKBps: 1300,
    netinKBps: 4,
  });
  await h.settle();
  expect(h.sut.resources.get('rfs.rep_bandwidth')).toMatchObject({ value: '1200', by: 'rfs' });
  expect(h.sut.resources.get('rfs.rei_bandwidth')).toMatchObject({ value: '35', by: 'rfs' });
  expect(h.sut.resources.get('rfs.netout_bandwidth')).toMatchObject({ value: '1300', by: 'rfs' });
  // The primary's is what it sends; what it receives is the secondary's resource.
  expect(h.sut.resources.get('rfs.netin_bandwidth')).toBeUndefined();
  expect(h.logText(true).filter((l) => l.includes('bandwidth'))).toEqual([]);
});
