import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandReboot, DEFAULT_REBOOT_COMMAND } from '../src/adapters/command-reboot';

// The reboot adapter runs a real shell command line. Tests only ever give it harmless commands;
// the default (systemctl reboot) is checked by name, never run.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-reboot-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = { module: 'demo', identity: 'app_failure' };

test('reboots with systemctl unless KEEL_REBOOT_COMMAND says otherwise', () => {
  expect(new CommandReboot({}).command).toBe(DEFAULT_REBOOT_COMMAND);
  expect(DEFAULT_REBOOT_COMMAND).toBe('systemctl reboot');
  expect(new CommandReboot({ KEEL_REBOOT_COMMAND: '' }).command).toBe(DEFAULT_REBOOT_COMMAND);
});

test('runs the command with the module and the identity in its environment', async () => {
  const record = join(dir, 'record');
  const sut = new CommandReboot({
    PATH: process.env.PATH,
    KEEL_REBOOT_COMMAND: `echo "$KEEL_MODULE $KEEL_REBOOT_IDENTITY" > ${record}`,
  });
  expect(await sut.reboot(request)).toEqual({ ok: true });
  expect(readFileSync(record, 'utf8')).toBe('demo app_failure\n');
});

test('a command that fails is reported with its exit code and its last stderr line', async () => {
  const sut = new CommandReboot({
    PATH: process.env.PATH,
    KEEL_REBOOT_COMMAND: 'echo first >&2; echo refused >&2; exit 3',
  });
  expect(await sut.reboot(request)).toEqual({
    ok: false,
    reason: 'echo first >&2; echo refused >&2; exit 3 exited with code 3: refused',
  });
});

test('a command that does not exist is a failure, not a crash', async () => {
  const sut = new CommandReboot({ PATH: process.env.PATH, KEEL_REBOOT_COMMAND: `${dir}/no-such-reboot` });
  const r = await sut.reboot(request);
  expect(r.ok).toBe(false);
  expect(r).toMatchObject({
    reason: expect.stringMatching(/no-such-reboot exited with code 127: .*not found/),
  });
});
