import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codecs, subjects } from '@keel/bus';
import { modulePaths, nodePaths, parseClusterConfig, parseModuleConfig } from '@keel/config';
import { createInbox, InMemoryBusNetwork } from '@keel/testing';
import { FileModuleLog } from '../src/adapters/module-log';
import { StateStore } from '../src/adapters/state-store';
import { systemClock } from '../src/adapters/system-clock';
import { ModuleRuntime } from '../src/modules/module-runtime';
import { RecordingReboot } from './support/recording-reboot';
import { RecordingRunner } from './support/recording-runner';
import { CountingFence } from './support/counting-fence';

// ModuleRuntime orchestrates: the automaton decides, the runtime runs scripts, persists, logs and
// publishes. Scripts and the bus are in-memory twins here; the medium and lab tests use real ones.
const CLUSTER = `<cluster><lans><lan name="default"><node name="node1" addr="198.18.0.1"/><node name="node2" addr="198.18.0.2"/></lan></lans></cluster>`;
const MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart><user nicestoptimeout="7s"/></service></safe>`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-runtime-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sut(clock = { now: 1_000_000 }, module = MODULE) {
  const dirs = nodePaths({ KEEL_ETC: join(dir, 'etc'), KEEL_VAR: join(dir, 'var'), KEEL_HOME: '/opt/keel' });
  const paths = modulePaths(dirs, 'demo');
  const network = new InMemoryBusNetwork();
  const bus = network.connect({ source: { service: 'admin', node: 'node1' } });
  const observer = network.connect({ source: { service: 'test', node: 'node1' } });
  const runner = new RecordingRunner();
  const fences = new CountingFence();
  const reboot = new RecordingReboot();
  const deps = {
    dirs,
    paths,
    node: 'node1',
    cluster: parseClusterConfig(CLUSTER, 'cluster.xml'),
    loaded: parseModuleConfig(module, 'userconfig.xml', { env: {} }),
    runner,
    fences,
    reboot,
    log: new FileModuleLog(paths.logFile),
    store: new StateStore(paths.stateFile),
    bus,
    // The test moves the time; timers run on the machine's (boot delays, the shutdown's wait).
    clock: { now: () => clock.now, setTimer: systemClock.setTimer },
    env: { PATH: '/usr/bin' },
    bootedAt: 0,
  };
  return { rt: new ModuleRuntime(deps), deps, runner, fences, reboot, observer, clock };
}

const flush = () => new Promise((r) => setImmediate(r));

test('start with an unheard peer: prestart and friends run as processes with the module environment, then ALONE', async () => {
  const { rt, runner, observer, clock } = sut();
  const states = createInbox<string>();
  await observer.subscribe(subjects.state('demo'), codecs.stateChange, (m) =>
    states.push(`${m.payload.state} ${m.payload.readiness}`),
  );
  expect(await rt.command('start', [], undefined, 'cli@node1')).toEqual({
    ok: true,
    message: 'start accepted',
  });
  await flush();
  clock.now += 1000; // the peer stayed silent for a heartbeat timeout
  rt.tick();
  for (let i = 0; i < 10; i++) await flush();
  expect(rt.state.state).toBe('ALONE');
  expect(runner.runs.map((r) => `${r.name} ${r.args.join(' ')}`)).toEqual([
    'transition STOP WAIT start',
    'prestart STOP WAIT start',
    'transition WAIT ALONE start',
    'start_both WAIT ALONE start',
    'start_prim WAIT ALONE start',
    'start_sec WAIT ALONE start',
  ]);
  expect(runner.runs[0]).toMatchObject({
    timeoutMs: 7000,
    env: { SAFEMODULE: 'demo', KEEL_MODULE: 'demo', SAFEUSERVAR: join(dir, 'var/modules/demo') },
  });
  expect(await states.next()).toBe('WAIT Transient');
});

test('what must survive is on disk: a new runtime after a restart of keel starts the module again', async () => {
  const first = sut();
  await first.rt.command('start', [], undefined, 'cli');
  await flush();
  expect(first.deps.store.load()).toMatchObject({ running: true });
  const second = sut();
  expect(second.deps.log.page({ verbose: false, count: 10_000 }).entries.map((e) => e.text)).toContain(
    'Starting the module: it was running when keel stopped',
  );
  second.rt.close();
});

test('a refused command says why and changes nothing', async () => {
  const { rt } = sut();
  expect(await rt.command('swap', [], undefined, 'cli')).toEqual({
    ok: false,
    message: 'swap needs PRIM (Ready) and SECOND (Ready), not STOP (NotReady) with remote UNKNOWN',
  });
  expect(rt.state.state).toBe('STOP');
});

const REBOOTING = MODULE.replace('<service mode="mirror">', '<service mode="mirror" automatic_reboot="on">');

async function aloneWith(module: string) {
  const s = sut({ now: 1_000_000 }, module);
  await s.rt.command('start', [], undefined, 'cli');
  await flush();
  s.clock.now += 1000; // the peer stayed silent for a heartbeat timeout
  s.rt.tick();
  for (let i = 0; i < 10; i++) await flush();
  expect(s.rt.state.state).toBe('ALONE');
  s.runner.runs.length = 0;
  return s;
}

test('automatic_reboot="on": a rule stopstart asks the node to reboot and runs no script', async () => {
  const { rt, runner, reboot } = await aloneWith(REBOOTING);
  await rt.command('stopstart', [], 'app_failure', 'app_failure');
  for (let i = 0; i < 5; i++) await flush();
  expect(reboot.requests).toEqual([{ module: 'demo', identity: 'app_failure' }]);
  expect(runner.runs).toEqual([]);
  expect(rt.state.state).toBe('ALONE');
  rt.close();
});

test('a reboot that cannot be done: the module is stopped and started instead', async () => {
  const { rt, runner, reboot, deps } = await aloneWith(REBOOTING);
  reboot.failure = 'systemctl reboot exited with code 1: System has not been booted with systemd';
  await rt.command('stopstart', [], 'app_failure', 'app_failure');
  for (let i = 0; i < 20; i++) await flush();
  expect(runner.runs.map((r) => r.name)).toContain('stop_prim');
  expect(runner.runs.map((r) => r.name)).toContain('prestart');
  expect(deps.log.page({ verbose: false, count: 10_000 }).entries.map((e) => `${e.level} ${e.text}`)).toEqual(
    expect.arrayContaining([
      'E Reboot of the node instead of stopstart (automatic_reboot="on")',
      'E Automatic reboot failed: systemctl reboot exited with code 1: System has not been booted with systemd',
      'I Stop and start instead of the reboot',
    ]),
  );
  rt.close();
});

test("maxloop's count is on disk and survives the reboot: the start at launch leaves it as it is", async () => {
  const before = await aloneWith(REBOOTING);
  await before.rt.command('stopstart', [], 'app_failure', 'app_failure');
  for (let i = 0; i < 5; i++) await flush();
  expect(before.deps.store.load().facts.loop).toMatchObject({ count: 1 });
  before.rt.close();
  // keel starts again on the same boot and starts the module that was running.
  const after = sut({ now: 1_002_000 }, REBOOTING);
  await new Promise((r) => setTimeout(r, 20)); // the launch start is on a timer (boot_delay 0)
  for (let i = 0; i < 5; i++) await flush();
  expect(after.deps.log.page({ verbose: false, count: 10_000 }).entries.map((e) => e.text)).toContain(
    'Action start called at boot time',
  );
  expect(after.deps.store.load().facts.loop).toMatchObject({ count: 1 });
  after.rt.close();
});

// docs/decisions/0013: one fence per run of the module, from its first script to STOP.
test('every script of one run enters the same fence; STOP ends it; the next start opens another', async () => {
  const { rt, runner, fences } = await aloneWith(MODULE);
  await rt.command('stop', [], undefined, 'cli');
  for (let i = 0; i < 20; i++) await flush();
  expect(rt.state.state).toBe('STOP');
  expect(new Set(runner.runs.map((r) => r.fence))).toEqual(new Set([100]));
  expect(fences.events).toEqual(['open 100', 'close 100']);
  await rt.command('start', [], undefined, 'cli');
  for (let i = 0; i < 5; i++) await flush();
  expect(fences.events).toEqual(['open 100', 'close 100', 'open 101']);
  expect(runner.runs.at(-1)?.fence).toBe(101);
  rt.close();
});

test('a fence killed from outside: an error line, and the module is stopped and started again', async () => {
  const { rt, runner, fences, deps, clock } = await aloneWith(MODULE);
  fences.lose("keel-fence: the namespace's first process died: every process in it was killed");
  for (let i = 0; i < 20; i++) await flush();
  clock.now += 1000; // the peer stays silent: ALONE again
  rt.tick();
  for (let i = 0; i < 20; i++) await flush();
  expect(rt.state.state).toBe('ALONE');
  expect(
    deps.log.page({ verbose: false, count: 10_000 }).entries.map((e) => `${e.level} ${e.text}`),
  ).toContain(
    "E The application's fence ended unasked (keel-fence: the namespace's first process died: every process in it was killed): every process of the module was killed",
  );
  expect(runner.runs.map((r) => r.name)).toEqual(
    expect.arrayContaining(['stop_prim', 'prestart', 'start_prim']),
  );
  // The stop ran in a new fence (the lost one is gone), and the start in the one after.
  expect(fences.events).toEqual(['open 100', 'open 101', 'close 101', 'open 102']);
  rt.close();
});

test('a fence that cannot be made: the script is reported as not run, and the next script tries again', async () => {
  const s = sut();
  s.fences.refuse = '/srv/data is on the private mount /srv (no mount propagation)';
  await s.rt.command('start', [], undefined, 'cli');
  for (let i = 0; i < 10; i++) await flush();
  expect(s.runner.runs).toEqual([]);
  expect(
    s.deps.log.page({ verbose: false, count: 10_000 }).entries.map((e) => `${e.level} ${e.text}`),
  ).toContain(
    'E Script transition could not run: /srv/data is on the private mount /srv (no mount propagation)',
  );
  s.rt.close();
});

test('a fence that ends while admin shuts down is no loss: nothing is restarted', async () => {
  const { rt, runner, fences, deps } = await aloneWith(MODULE);
  rt.close();
  fences.lose('keel-fence killed by SIGTERM');
  for (let i = 0; i < 20; i++) await flush();
  expect(runner.runs).toEqual([]);
  expect(
    deps.log
      .page({ verbose: false, count: 10_000 })
      .entries.map((e) => e.text)
      .join('\n'),
  ).not.toMatch(/fence ended unasked/);
});

// Issue 9 / docs/decisions/0015: SIGTERM of admin runs SafeKit's shutdown action.
test('shutdown stops a started module through its stop scripts and keeps it counted as running', async () => {
  const { rt, runner, deps } = await aloneWith(MODULE);
  await rt.shutdown();
  expect(rt.state.state).toBe('STOP');
  expect(runner.runs.map((r) => r.name)).toContain('stop_prim');
  expect(deps.log.page({ verbose: false, count: 100 }).entries.map((e) => e.text)).toEqual(
    expect.arrayContaining(['Action shutdown called by SYSTEM/root', 'Local state STOP NotReady']),
  );
  // The next launch starts it again (launch.ts: it was running when keel stopped).
  expect(deps.store.load().running).toBe(true);
  rt.close();
});
