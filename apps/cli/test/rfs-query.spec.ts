import type { ModuleCommand } from '@keel/bus';
import { runModuleCommand } from '../src/commands/module-commands';
import { recorder } from './recorder';

// `keel rfsdiff` and `keel rfsverify` (guide §9.10): the command sent to admin (no argument, a long
// wait), rfsdiff's text printed, rfsverify's text printed and its exit code returned.
function sut(detail: string) {
  const io = recorder();
  const sent: { c: ModuleCommand; timeoutMs: number | undefined }[] = [];
  const admin = {
    send: (c: ModuleCommand, timeoutMs?: number) => {
      sent.push({ c, timeoutMs });
      return Promise.resolve(detail);
    },
  };
  const run = (...argv: string[]) =>
    runModuleCommand(argv[0]!, argv.slice(1), {
      io,
      admin,
      installed: () => ['web'],
      sleep: async () => undefined,
    });
  return { io, sent, run };
}

test('rfsverify prints the listing and exits with admin’s code: 3 when the copies differ', async () => {
  const text =
    'Verifying directory tree /srv/data\nDiffers: /srv/data/f (file: content)\nVerification ended: 3 entries compared, 1 differ';
  const s = sut(JSON.stringify({ text, exitCode: 3 }));
  expect(await s.run('rfsverify', '-m', 'web')).toBe(3);
  expect(s.io.stdout).toEqual(text.split('\n'));
  expect(s.sent[0]!.c).toEqual({ module: 'web', name: 'rfsverify', args: [] });
  // Longer than any other command's wait: it reads both copies.
  expect(s.sent[0]!.timeoutMs).toBeGreaterThan(3_600_000);
});

test('rfsverify of identical copies exits 0; an answer it cannot read exits 1', async () => {
  expect(await sut(JSON.stringify({ text: 'ok', exitCode: 0 })).run('rfsverify', '-m', 'web')).toBe(0);
  const bad = sut('not json');
  expect(await bad.run('rfsverify', '-m', 'web')).toBe(1);
  expect(bad.io.stderr.join('\n')).toContain('unexpected answer from admin');
});

test('rfsdiff prints admin’s text as it is', async () => {
  const s = sut('Modified files: 3');
  expect(await s.run('rfsdiff', '-m', 'web')).toBe(0);
  expect(s.io.stdout).toEqual(['Modified files: 3']);
});

test('rfsdiff and rfsverify take no argument', async () => {
  const s = sut('');
  await expect(s.run('rfsverify', 'now', '-m', 'web')).rejects.toThrow(/unexpected argument now/);
  expect(s.sent).toEqual([]);
});
