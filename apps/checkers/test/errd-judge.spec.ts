import { parseModuleConfig } from '@keel/config';
import type { ProcessEntry } from '@keel/procs';
import { ModuleView } from '../src/core/module-view';
import {
  actionEnded,
  activeWatches,
  pollWanted,
  classActivity,
  IDLE,
  judge,
  sightProcesses,
  sightUnit,
  type ModulePace,
  type ProcMemory,
  type Sighting,
} from '../src/core/errd';
import { planErrd, type ProcWatch } from '../src/core/errd-plan';

// errd's judgement of one <proc> (reference §5.10), pure: what each poll sees and when.
const POLL = 30_000;
const READY: ModulePace = { ready: true, arrivals: 1 };

function watch(attrs: string, polltimer = '30s'): ProcWatch {
  const xml = `<safe><service mode="mirror"><heart><heartbeat name="default"/></heart><user/>
    <errd polltimer="${polltimer}"><proc ${attrs}/></errd></service></safe>`;
  return planErrd(parseModuleConfig(xml, 'userconfig.xml').config.errd!, '/opt/app/bin').procs[0]!;
}

const running = (n: number, from = 100): Sighting => ({
  count: n,
  keys: Array.from({ length: n }, (_, i) => `${from + i}@7`),
});

/** Polls in order from an active class, each POLL apart; what each one said. */
function polls(w: ProcWatch, sightings: Sighting[], start: ProcMemory = classActivity(IDLE, true, 0)) {
  let m = start;
  return sightings.map((sighting, i) => {
    const v = judge(w, m, { now: (i + 1) * POLL, pollMs: POLL, sighting, module: READY });
    m = v.memory.acting ? actionEnded(v.memory, 'refused', { arrivals: 0 }) : v.memory;
    return `${v.resource ?? '-'}${v.detection ? ` ${v.detection.message}` : ''}`;
  });
}

describe('errd judges the count of matching processes', () => {
  it.each([
    ['atleast 1, none', 'name="app" action="restart" class="prim"', [0], ['down Process app not running']],
    ['atleast 1, one', 'name="app" action="restart" class="prim"', [1], ['up']],
    [
      'atleast 2, one',
      'name="app" atleast="2" action="restart" class="prim"',
      [1],
      ['down Process app not running (1 running, atleast 2)'],
    ],
    [
      'atmax 3 reached',
      'name="app" atmax="3" action="stop" class="prim"',
      [2, 3],
      ['up', 'down Process app: 3 running, atmax 3 reached'],
    ],
    ['atleast -1: no minimum', 'name="app" atleast="-1" atmax="2" action="stop" class="prim"', [0], ['up']],
    ['atmax -1: no maximum', 'name="app" action="stop" class="prim"', [50], ['up']],
  ])('%s', (_what, attrs, counts, said) => {
    expect(
      polls(
        watch(attrs),
        counts.map((n) => running(n)),
      ),
    ).toEqual(said);
  });

  it('with atmax 0, each process that starts is a detection, those already seen are not', () => {
    const w = watch('name="forbidden" atleast="-1" atmax="0" action="noaction" class="prim"');
    expect(polls(w, [running(0), running(1, 100), running(1, 100), running(2, 100), running(0)])).toEqual([
      'up',
      'down Process forbidden started (pid 100), atmax 0',
      'up',
      'down Process forbidden started (pid 101), atmax 0',
      'up',
    ]);
  });

  it('says Service for a systemd unit', () => {
    const w = watch('name="nginx" service="yes" action="restart" class="prim"');
    expect(polls(w, [sightUnit(false), sightUnit(true)])).toEqual(['down Service nginx not running', 'up']);
  });
});

describe('errd matches by name, nameregex and argregex', () => {
  const entry = (pid: number, comm: string, argv: string[]): ProcessEntry => ({
    pid,
    ppid: 1,
    comm,
    start: 5,
    argv,
  });
  const table = [
    entry(1, 'java', ['java', '-jar', 'app.jar']),
    entry(2, 'java', ['java', '-jar', 'other.jar']),
    entry(3, 'nginx', ['nginx: worker process']),
    entry(4, 'nginx', ['nginx: master process /usr/sbin/nginx']),
  ];
  it.each([
    ['name="java" action="restart" class="prim"', ['1@5', '2@5']],
    ['name="java" argregex="app[.]jar$" action="restart" class="prim"', ['1@5']],
    ['name="web" nameregex="^ng" action="restart" class="prim"', ['3@5', '4@5']],
    ['name="web" nameregex="^ng" argregex="worker" action="restart" class="prim"', ['3@5']],
    ['name="Java" action="restart" class="prim"', []],
  ])('%s', (attrs, keys) => {
    expect(sightProcesses(watch(attrs), table).keys).toEqual(keys);
  });
});

describe('errd judges from start_after polls after the class became active', () => {
  it.each([
    ['0', 0],
    ['1', 0],
    ['3', 2 * POLL],
  ])('start_after="%s": not before %i ms', (n, from) => {
    const w = watch(`name="app" start_after="${n}" action="restart" class="prim"`);
    const m = classActivity(IDLE, true, 1_000);
    const at = (now: number) =>
      judge(w, m, { now, pollMs: POLL, sighting: running(0), module: READY }).resource;
    if (from > 0) expect(at(1_000 + from - 1)).toBeUndefined();
    expect(at(1_000 + from)).toBe('down');
  });

  it('an inactive class is not judged, and closing it forgets what was seen', () => {
    const w = watch('name="app" action="restart" class="prim"');
    expect(
      judge(w, IDLE, { now: POLL, pollMs: POLL, sighting: running(0), module: READY }).resource,
    ).toBeUndefined();
    const failing = judge(w, classActivity(IDLE, true, 0), {
      now: POLL,
      pollMs: POLL,
      sighting: running(0),
      module: READY,
    });
    const closed = classActivity(failing.memory, false, 2 * POLL);
    expect(closed).toEqual({ ...IDLE, acting: true });
    expect(classActivity(closed, true, 3 * POLL).activeSince).toBe(3 * POLL);
  });
});

describe('errd acts once per detection', () => {
  const w = watch('name="app" action="restart" class="prim"');
  const poll = (m: ProcMemory, now: number, module: ModulePace = READY) =>
    judge(w, m, { now, pollMs: POLL, sighting: running(0), module });

  it('judges nothing while the action is under way', () => {
    const first = poll(classActivity(IDLE, true, 0), POLL);
    expect(first.detection?.action).toEqual({ kind: 'restart' });
    expect(poll(first.memory, 2 * POLL)).toMatchObject({ resource: undefined, detection: undefined });
  });

  it('judges again at the next poll when admin refused the action', () => {
    const first = poll(classActivity(IDLE, true, 0), POLL);
    const refused = actionEnded(first.memory, 'refused', first.detection!);
    expect(poll(refused, 2 * POLL).detection?.message).toBe('Process app not running');
  });

  it('after an action taken, waits until the module has become Ready again', () => {
    const first = poll(classActivity(IDLE, true, 0), POLL);
    const taken = actionEnded(first.memory, 'taken', first.detection!);
    expect(poll(taken, 2 * POLL, { ready: false, arrivals: 1 }).detection).toBeUndefined();
    expect(poll(taken, 3 * POLL, { ready: true, arrivals: 1 }).detection).toBeUndefined();
    expect(poll(taken, 4 * POLL, { ready: true, arrivals: 2 }).detection?.message).toBe(
      'Process app not running',
    );
  });

  it('after an action taken, judges afresh once the class closed and reopened', () => {
    const first = poll(classActivity(IDLE, true, 0), POLL);
    const reopened = classActivity(
      classActivity(actionEnded(first.memory, 'taken', first.detection!), false, 2),
      true,
      3,
    );
    expect(poll(reopened, 3 + POLL, { ready: false, arrivals: 1 }).detection?.message).toBe(
      'Process app not running',
    );
  });

  it('a handler that handled it is judged again at the next poll', () => {
    const h = watch('name="app" action="restart_app" class="app"');
    const first = judge(h, classActivity(IDLE, true, 0), {
      now: POLL,
      pollMs: POLL,
      sighting: running(0),
      module: READY,
    });
    expect(first.detection?.action).toEqual({ kind: 'handler', file: '/opt/app/bin/restart_app' });
    const handled = actionEnded(first.memory, 'handled', first.detection!);
    expect(
      judge(h, handled, { now: 2 * POLL, pollMs: POLL, sighting: running(0), module: READY }).detection,
    ).toBeDefined();
  });

  it('noaction says so once per outage', () => {
    const quiet = watch('name="app" action="noaction" class="prim"');
    expect(polls(quiet, [running(0), running(0), running(1), running(0)])).toEqual([
      'down Process app not running',
      'down',
      'up',
      'down Process app not running',
    ]);
  });
});

test('a polltimer of 0 polls every second', () => {
  const xml = `<safe><service mode="mirror"><heart><heartbeat name="default"/></heart><user/>
    <errd polltimer="0"><proc name="app" action="restart" class="prim"/></errd></service></safe>`;
  expect(planErrd(parseModuleConfig(xml, 'userconfig.xml').config.errd!, '/b').pollMs).toBe(1_000);
});

describe('errd polls the classes that are active while errd is on', () => {
  const xml = `<safe><service mode="mirror"><heart><heartbeat name="default"/></heart><user/><errd>
    <proc name="a" action="restart" class="prim"/>
    <proc name="b" action="restart" class="both"/>
    <proc name="c" action="restart_c" class="custom1"/>
  </errd></service></safe>`;
  const procs = planErrd(parseModuleConfig(xml, 'userconfig.xml').config.errd!, '/b').procs;
  it.each([
    [{}, [], false],
    [{ 'window.prim': 'up' }, ['a'], true],
    [{ 'window.prim': 'up', 'window.both': 'up' }, ['a', 'b'], true],
    [{ 'window.prim': 'up', 'errdclass.prim': 'disabled' }, [], false],
    [{ 'errdclass.custom1': 'enabled' }, ['c'], true],
    [{ 'window.custom1': 'up' }, [], false],
    [{ 'window.prim': 'up', 'usersetting.errd': 'off' }, ['a'], false],
    [{ 'window.prim': 'up', 'usersetting.errd': 'on' }, ['a'], true],
  ])('%j: active %j, polled %s', (resources, active, polled) => {
    const view = new ModuleView();
    for (const [k, v] of Object.entries(resources)) view.update(k, v);
    expect(activeWatches(view, procs).map((w) => w.name)).toEqual(active);
    expect(pollWanted(view, procs)).toBe(polled);
  });
});
