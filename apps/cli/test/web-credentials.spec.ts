import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeyDigest, verifyPassword } from '@keel/config';
import { runCli } from '../src/cli';
import { recorder } from './recorder';

// `keel web user|key`: the web service's users and API keys written to <KEEL_ETC>/web, the
// password read from standard input and never printed.
let etc: string;
beforeEach(() => {
  etc = mkdtempSync(join(tmpdir(), 'keel-etc-'));
});
afterEach(() => rmSync(etc, { recursive: true, force: true }));

async function sut(args: string[], stdin = '') {
  const io = { ...recorder({ KEEL_ETC: etc }), stdin: async () => stdin };
  const code = await runCli(['web', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

it('sets a user from the password on standard input, in a 0600 file, and lists it without the hash', async () => {
  const r = await sut(['user', 'set', 'ann', 'Admin'], 'correct horse\n');
  expect(r).toMatchObject({ code: 0, out: `user ann (Admin) set in ${join(etc, 'web', 'users')}` });
  const file = join(etc, 'web', 'users');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const hash = /^ann:Admin:(\S+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
  expect(await verifyPassword('correct horse', hash)).toBe(true);
  expect(await sut(['user', 'list'])).toMatchObject({ code: 0, out: 'ann Admin' });
  expect(await sut(['user', 'del', 'ann'])).toMatchObject({ code: 0 });
  expect(await sut(['user', 'list'])).toMatchObject({ code: 0, out: '' });
});

it('refuses a short password, and a role that does not exist', async () => {
  expect(await sut(['user', 'set', 'ann', 'Admin'], 'short\n')).toMatchObject({
    code: 1,
    err: 'keel web: give the password (one line, 8 to 1024 characters) on standard input',
  });
  expect((await sut(['user', 'set', 'ann', 'Root'], 'long enough\n')).code).toBe(2);
  expect((await sut(['user', 'set', '../ann', 'Admin'], 'long enough\n')).code).toBe(2);
});

it('prints a new API key once and keeps only its digest', async () => {
  const r = await sut(['key', 'add', 'ops', 'Control']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^keel_ops_[A-Za-z0-9_-]{43}$/);
  const text = readFileSync(join(etc, 'web', 'apikeys'), 'utf8');
  expect(text).toContain(`ops:Control:${apiKeyDigest(r.out)}`);
  expect(text).not.toContain(r.out);
});
