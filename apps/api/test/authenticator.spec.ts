import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCredentialStore, apiKeyDigest, newApiKey, hashPassword } from '@keel/config';
import { Authenticator, CredentialsUnavailable } from '../src/auth/authenticator';
import { LoginLimiter } from '../src/auth/login-limiter';
import { Sessions } from '../src/auth/sessions';

// Logins, sessions and API keys against real credential files: the role is read again at every
// request, so a change of the users file holds at once.
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function build() {
  root = mkdtempSync(join(tmpdir(), 'keel-auth-'));
  const store = new FileCredentialStore(join(root, 'web'));
  const hash = await hashPassword('pw-of-ann');
  store.save('users', [{ name: 'ann', role: 'Admin', secret: hash }]);
  const key = newApiKey('ops');
  store.save('apikeys', [{ name: 'ops', role: 'Control', secret: apiKeyDigest(key) }]);
  const clock = { t: 0 };
  const sut = new Authenticator(store, new Sessions(1000), new LoginLimiter(), () => clock.t);
  return { sut, store, hash, key, clock };
}

it('opens a session for the right password, whose role follows the users file', async () => {
  const { sut, store, hash } = await build();
  const r = await sut.login('ann', 'pw-of-ann', '10.0.0.1');
  if (!r.ok) throw new Error('refused');
  expect(sut.fromSession(r.session)).toEqual({ name: 'ann', role: 'Admin' });
  store.save('users', [{ name: 'ann', role: 'Monitor', secret: hash }]);
  expect(sut.fromSession(r.session)).toEqual({ name: 'ann', role: 'Monitor' });
  store.save('users', []);
  expect(sut.fromSession(r.session)).toBeUndefined();
});

it('refuses a wrong password and an unknown user alike', async () => {
  const { sut } = await build();
  expect(await sut.login('ann', 'pw-of-bob', '10.0.0.1')).toEqual({ ok: false, why: 'refused' });
  expect(await sut.login('bob', 'pw-of-ann', '10.0.0.1')).toEqual({ ok: false, why: 'refused' });
});

it('ends a session idle for longer than its limit, and a closed one', async () => {
  const { sut, clock } = await build();
  const a = await sut.login('ann', 'pw-of-ann', '10.0.0.1');
  const b = await sut.login('ann', 'pw-of-ann', '10.0.0.1');
  if (!a.ok || !b.ok) throw new Error('refused');
  clock.t = 900;
  expect(sut.fromSession(a.session)).toBeDefined();
  sut.logout(b.session);
  expect(sut.fromSession(b.session)).toBeUndefined();
  clock.t = 1901;
  expect(sut.fromSession(a.session)).toBeUndefined();
});

it('takes an API key with its role, and not one altered by a character', async () => {
  const { sut, key } = await build();
  expect(sut.fromApiKey(key)).toEqual({ name: 'apikey:ops', role: 'Control' });
  const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
  expect(sut.fromApiKey(altered)).toBeUndefined();
  expect(sut.fromApiKey('not-a-key')).toBeUndefined();
});

it('lets nobody in when the users file is readable by others', async () => {
  const { sut, store } = await build();
  chmodSync(store.file('users'), 0o640);
  await expect(sut.login('ann', 'pw-of-ann', '10.0.0.1')).rejects.toBeInstanceOf(CredentialsUnavailable);
});
