// OpenID Connect login against a real provider (oidc-provider in its own process on loopback),
// driven over HTTP as a browser would: keel sends the browser to the provider with a PKCE
// challenge, the user signs in there, the provider sends it back with a code, keel exchanges it,
// checks the ID token and maps the `roles` claim to a role. Forged or replayed answers, another
// browser's state and a user without a role claim are refused and count in the login limiter; the
// client secret never reaches the log.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, startApiNode, type ApiNode } from './api-node';
import { Browser, startOidcProvider, type OidcProviderHandle } from './oidc-provider';
import { freePort } from './slapd';

jest.setTimeout(90_000);
const CLIENT_SECRET = 'client-secret-Zp4v9Qw2';
const ACCOUNTS = {
  alice: { password: 'alice-idp-password', roles: ['SKAdmin', 'staff'] },
  bob: { password: 'bob-idp-password', roles: ['SKMonitor'] },
  carol: { password: 'carol-idp-password', roles: ['staff'] },
};
let idp: OidcProviderHandle;
let n: ApiNode;
beforeAll(async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/openid`;
  idp = await startOidcProvider({
    clientId: 'keel',
    clientSecret: CLIENT_SECRET,
    redirectUri,
    accounts: ACCOUNTS,
  });
  n = await startApiNode({
    listen: { host: '127.0.0.1', port },
    prepare: async (node) => {
      const web = join(node.etc, 'web');
      mkdirSync(web, { recursive: true, mode: 0o700 });
      writeFileSync(join(web, 'openid.secret'), `${CLIENT_SECRET}\n`, { mode: 0o600 });
      writeFileSync(
        join(web, 'openid.conf'),
        [
          `issuer = ${idp.issuer}`,
          'client_id = keel',
          `client_secret_file = ${join(web, 'openid.secret')}`,
          `redirect_uri = ${redirectUri}`,
          'scope = openid',
          'admin_claim = roles:SKAdmin',
          'control_claim = roles:SKControl',
          'monitor_claim = roles:SKMonitor',
        ].join('\n') + '\n',
      );
      return {};
    },
  });
});
afterAll(async () => {
  await n?.stop();
  await idp?.stop();
});

/** keel → provider → its login form → provider → the redirect back to keel, not yet followed. */
async function toProvider(browser: Browser, user: string, password: string): Promise<string> {
  const start = await browser.get(`${n.base}/openid/login`);
  expect(start.status).toBe(302);
  const auth = new URL(start.location!);
  expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
  expect(auth.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  const toForm = await browser.get(start.location!);
  expect(toForm.status).toBe(303);
  const form = new URL(toForm.location!, idp.issuer).href;
  expect((await browser.get(form)).status).toBe(200);
  const signed = await browser.get(form, { method: 'POST', form: { login: user, password } });
  expect(signed.status).toBe(303);
  const back = await browser.get(new URL(signed.location!, idp.issuer).href);
  expect(back.status).toBe(303);
  expect(back.location!.startsWith(`${n.base}/openid?`)).toBe(true);
  return back.location!;
}

const sessionOf = (b: Browser) => `sessionSK=${b.cookie(new URL(n.base).host, 'sessionSK')}`;

test('a provider user gets the role its roles claim maps to, and acts with it', async () => {
  const alice = new Browser();
  const done = await alice.get(await toProvider(alice, 'alice', ACCOUNTS.alice.password));
  expect(done.status).toBe(200);
  expect(done.json).toEqual({ user: 'alice', role: 'Admin' });
  expect((await call(n.base, 'GET', '/api/v1.0/whoami', { cookie: sessionOf(alice) })).body).toEqual({
    user: 'alice',
    role: 'Admin',
  });
  expect((await call(n.base, 'GET', '/api/v1.0/apikeys', { cookie: sessionOf(alice) })).status).toBe(200);

  const bob = new Browser();
  expect((await bob.get(await toProvider(bob, 'bob', ACCOUNTS.bob.password))).json).toEqual({
    user: 'bob',
    role: 'Monitor',
  });
  const start = await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/start', {
    cookie: sessionOf(bob),
    json: {},
  });
  expect(start.status).toBe(403);
});

test("a user without a role claim, a replayed code and another browser's state are refused", async () => {
  const carol = new Browser();
  const refused = await carol.get(await toProvider(carol, 'carol', ACCOUNTS.carol.password));
  expect(refused.status).toBe(401);
  expect(refused.json.message).toContain('none of the configured role claims');
  expect(carol.cookie(new URL(n.base).host, 'sessionSK')).toBeUndefined();

  const alice = new Browser();
  const back = await toProvider(alice, 'alice', ACCOUNTS.alice.password);
  // Another browser given the link: it has not the state cookie of the login it did not start.
  const thief = new Browser();
  expect((await thief.get(back)).status).toBe(401);
  // The state is used once: the rightful browser now starts again too.
  const replay = await alice.get(back);
  expect(replay.status).toBe(401);
  expect(replay.json.message).toContain('unknown or expired state');
});

test('failed OpenID logins are limited like form logins', async () => {
  const b = new Browser();
  // Three failures in the test before (carol, the other browser, the replay); two made-up answers
  // reach five from this address, and then even the start of a login waits.
  for (let i = 0; i < 2; i += 1)
    expect((await b.get(`${n.base}/openid?code=x&state=forged-${i}`)).status).toBe(401);
  const limited = await b.get(`${n.base}/openid/login`);
  expect(limited.status).toBe(429);
  expect((await b.get(`${n.base}/openid?code=x&state=forged-2`)).status).toBe(429);
});

test('the client secret, codes and tokens never reach the log', () => {
  const log = n.apiLog.lines.join('\n');
  expect(log).toContain('OpenID Connect login on');
  expect(log).not.toContain(CLIENT_SECRET);
  expect(log).not.toMatch(/code=|eyJ/);
});
