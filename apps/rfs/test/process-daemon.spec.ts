// The real daemon adapter with real processes: the fake keel-rfsd of test/fixtures speaks the
// daemon's contract (stdout events, stderr lines, SIGTERM).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInbox } from '@keel/testing';
import { ProcessDaemons } from '../src/adapters/process-daemon';
import type { DaemonEvent } from '../src/core/daemon-events';
import { DaemonSpawnError, type DaemonExit } from '../src/ports/daemon.port';

const FAKE = join(__dirname, '../../../test/fixtures/rfs/fake-keel-rfsd');

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-rfsd-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stateDir = () => join(dir, 'state', 'web', 'rfs');

/** What the fake daemon does next (see its header). */
function behave(behaviour: object): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(join(stateDir(), 'behaviour.json'), JSON.stringify(behaviour));
}

function run(args: string[], binary = FAKE, control = false) {
  const events = createInbox<DaemonEvent>();
  const logs = createInbox<string>();
  const exits = createInbox<DaemonExit>();
  const process = new ProcessDaemons().spawn(
    { module: 'web', binary, args: [...args, '--state-dir', stateDir()], stateDir: stateDir(), control },
    { event: (e) => events.push(e), log: (l) => logs.push(l), exit: (e) => exits.push(e) },
  );
  return { process, events, logs, exits };
}

test('events from stdout, log lines from stderr, and SIGTERM ends it with 0', async () => {
  const d = run(['--role', 'secondary', '--dir', '/srv/a', '--connect', '10.0.2.2:5600', '--full']);
  expect(await d.events.take(4)).toEqual([
    { event: 'mounted' },
    { event: 'connected', peer: '10.0.2.2:5600' },
    { event: 'reintegration', full: true },
    { event: 'synced', files: 2, bytes: 10, ms: 20 },
  ]);
  expect(await d.logs.next()).toBe('fake keel-rfsd: secondary of /srv/a');
  // The state directory was created for it, and it was given the command line.
  expect(JSON.parse(readFileSync(join(stateDir(), 'calls.log'), 'utf8'))).toContain('--full');

  d.process.signal('SIGTERM');
  expect(await d.exits.next()).toEqual({ code: 0, signal: null });
  expect(await d.logs.next()).toBe('fake keel-rfsd: unmounting /srv/a');
});

test("a control pipe on the daemon's stdin carries lines to it; none without one, nor after its exit", async () => {
  const d = run(['--role', 'primary', '--dir', '/srv/a', '--write-deadline-stdin'], FAKE, true);
  await d.events.next();
  expect(d.process.control('deadline 51131499000000\n')).toBe(true);
  expect(await d.logs.take(2)).toEqual([
    'fake keel-rfsd: primary of /srv/a',
    'fake keel-rfsd: control deadline 51131499000000',
  ]);
  d.process.signal('SIGKILL');
  await d.exits.next();
  expect(d.process.control('deadline 1\n')).toBe(false);

  const without = run(['--role', 'primary', '--dir', '/srv/a']);
  await without.events.next();
  expect(without.process.control('deadline 1\n')).toBe(false);
  without.process.signal('SIGKILL');
  await without.exits.next();
});

test('an error event comes before the exit it explains', async () => {
  behave({ mount: 'fail' });
  const d = run(['--role', 'primary', '--dir', '/srv/a']);
  expect(await d.events.next()).toEqual({ event: 'error', message: 'cannot mount /srv/a: fake failure' });
  expect(await d.exits.next()).toEqual({ code: 1, signal: null });
});

test('SIGKILL ends a daemon that ignores SIGTERM', async () => {
  behave({ ignoreTerm: true });
  const d = run(['--role', 'primary', '--dir', '/srv/a']);
  await d.events.next();
  d.process.signal('SIGTERM');
  expect(await d.logs.take(2)).toEqual([
    'fake keel-rfsd: primary of /srv/a',
    'fake keel-rfsd: ignoring SIGTERM',
  ]);
  d.process.signal('SIGKILL');
  expect(await d.exits.next()).toEqual({ code: null, signal: 'SIGKILL' });
});

test('a stdout line outside the contract is a warning, not an event', async () => {
  const script = join(dir, 'chatty');
  writeFileSync(script, '#!/bin/sh\necho "hello"\necho \'{"event":"mounted"}\'\n');
  chmodSync(script, 0o755);
  const d = run([], script);
  expect(await d.logs.next()).toBe('unrecognised stdout line (not JSON): hello');
  expect(await d.events.next()).toEqual({ event: 'mounted' });
  expect(await d.exits.next()).toEqual({ code: 0, signal: null });
});

test('a missing or non-executable binary is a DaemonSpawnError', () => {
  expect(() => run([], join(dir, 'nope'))).toThrow(DaemonSpawnError);
  const notExec = join(dir, 'plain');
  writeFileSync(notExec, '');
  expect(() => run([], notExec)).toThrow(/not executable/);
});
