// The REST API against a real node (nats-server, admin, api): a Control user logs in with the
// form, starts the module through admin and sees it in the module log under its name and address;
// a Monitor user may read but not act; the health probe follows the state.
import { call, startApiNode, userOf, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

async function login(user: string, password: string) {
  const form = new URLSearchParams({ httpd_username: user, httpd_password: password, login: 'Login' });
  return call(n.base, 'POST', '/login', { raw: form.toString(), type: 'application/x-www-form-urlencoded' });
}

async function waitState(cookie: string, state: string, readiness = 'Ready') {
  for (let i = 0; i < 200; i += 1) {
    const r = await call(n.base, 'GET', '/api/v1.0/modules/demo/state', { cookie });
    if (r.body.state === state && r.body.readiness === readiness) return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`demo never reached ${state} (${readiness})`);
}

test('a Control user starts the module through admin; a Monitor user reads and is refused the command', async () => {
  const control = userOf('Control');
  const logged = await login(control.user, control.password);
  expect(logged.status).toBe(200);
  expect(logged.body).toEqual({ user: 'control1', role: 'Control' });
  const setCookie = logged.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(
    /^sessionSK=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/,
  );
  const cookie = setCookie.split(';')[0]!;

  expect(await call(n.base, 'GET', '/api/v1.0/whoami', { cookie })).toMatchObject({
    status: 200,
    body: { user: 'control1', role: 'Control' },
  });
  expect((await call(n.base, 'GET', '/var/modules/demo/ready.txt')).status).toBe(404);

  const started = await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/start', { cookie, json: {} });
  expect(started.status).toBe(200);
  const state = await waitState(cookie, 'ALONE');
  expect(state.module).toBe('demo');
  expect(Object.keys(state.resources).length).toBeGreaterThan(0);
  expect(n.node.moduleLog()).toContain(' I Action start called by control1@127.0.0.1\n');
  expect(n.node.scriptLog()).toContain('start_prim WAIT ALONE start');
  // The probe, without a credential, follows the state admin announced.
  for (let i = 0; i < 50 && (await call(n.base, 'GET', '/var/modules/demo/ready.txt')).status !== 200; i += 1)
    await new Promise((res) => setTimeout(res, 100));
  expect(await call(n.base, 'GET', '/var/modules/demo/ready.txt')).toMatchObject({
    status: 200,
    body: 'OK\n',
  });

  // Admin's refusal comes back as a conflict, in admin's words.
  expect(await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/start', { cookie })).toMatchObject({
    status: 409,
    body: { message: 'the module is already started: ALONE (Ready)' },
  });

  const monitor = await call(n.base, 'GET', '/api/v1.0/modules/demo/log?count=5', { key: n.keys.Monitor });
  expect(monitor.status).toBe(200);
  expect(monitor.body.lines.length).toBeLessThanOrEqual(5);
  expect(monitor.body.lines.join('\n')).toMatch(/Local state ALONE Ready/);
  const verbose = await call(n.base, 'GET', '/api/v1.0/modules/demo/log?verbose=true&count=500', {
    key: n.keys.Monitor,
  });
  expect(verbose.body.lines.join('\n')).toMatch(/ V Script start_prim/);
  expect(
    await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/stop', { key: n.keys.Monitor }),
  ).toMatchObject({
    status: 403,
  });
  expect(
    await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/boot', {
      key: n.keys.Monitor,
      json: { args: ['status'] },
    }),
  ).toMatchObject({ status: 200, body: { detail: 'boot off' } });

  expect(
    (
      await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/stop', {
        key: n.keys.Control,
        json: { identity: 'ops-script' },
      })
    ).status,
  ).toBe(200);
  await waitState(cookie, 'STOP', 'NotReady');
  expect(n.node.moduleLog()).toMatch(/ I Action stop called by ops-script\n/);

  // Logged out, the cookie is refused.
  expect((await call(n.base, 'POST', '/logout', { cookie })).status).toBe(204);
  expect((await call(n.base, 'GET', '/api/v1.0/whoami', { cookie })).status).toBe(401);
  // No password, key or session id in the service's log.
  const log = n.apiLog.lines.join('\n');
  for (const secret of [control.password, n.keys.Monitor, n.keys.Control, cookie.split('=')[1]!])
    expect(log).not.toContain(secret);
  expect(log).toContain('"user":"control1"');
});
