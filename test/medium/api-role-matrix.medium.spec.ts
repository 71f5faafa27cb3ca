// Every route of the REST API, read from its own OpenAPI document, against a real node: without a
// credential each answers 401 (but login), with a key of a weaker role 403, and the roles the
// document declares are exactly the table of docs/decisions/0021.
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

const PARAMS: Record<string, string> = {
  module: 'demo',
  command: 'start',
  resource: 'r1',
  role: 'Monitor',
  name: 'k1',
};
const RANK = ['Monitor', 'Control', 'Admin'];

/** The roles table of docs/decisions/0021: method path role. */
const TABLE = `
GET /login public
POST /login public
POST /logout public
GET /api/v1.0/level Monitor
GET /api/v1.0/modules Monitor
GET /api/v1.0/whoami Monitor
GET /api/v1.0/modules/{module}/state Monitor
GET /api/v1.0/modules/{module}/resources/{resource} Monitor
GET /api/v1.0/modules/{module}/log Monitor
POST /api/v1.0/modules/{module}/commands/{command} Monitor
GET /api/v1.0/modules/{module}/config Admin
POST /api/v1.0/modules/{module}/config/check Admin
GET /api/v1.0/cluster/config Admin
POST /api/v1.0/cluster/config/check Admin
GET /api/v1.0/apikeys Admin
POST /api/v1.0/apikey/{role}/{name} Admin
DELETE /api/v1.0/apikey/{name} Admin
`
  .trim()
  .split('\n');

test('every route needs a credential and the role the table says', async () => {
  const doc = await call(n.base, 'GET', '/api/v1.0/openapi.json', { key: n.keys.Monitor });
  expect(doc.status).toBe(200);
  const routes: string[] = [];
  for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, any>>))
    for (const [method, op] of Object.entries(ops))
      routes.push(`${method.toUpperCase()} ${path} ${op['x-keel-role']}`);
  expect(routes.sort()).toEqual([...TABLE].sort());

  for (const line of routes) {
    const [method, template, role] = line.split(' ') as [string, string, string];
    const path = template.replace(/\{(\w+)\}/g, (_m, p: string) => PARAMS[p]!);
    if (role === 'public') continue;
    expect(`${line}: ${(await call(n.base, method, path)).status}`).toBe(`${line}: 401`);
    expect(`${line}: ${(await call(n.base, method, path, { key: 'keel_x_' + 'A'.repeat(43) })).status}`).toBe(
      `${line}: 401`,
    );
    for (const weaker of RANK.slice(0, RANK.indexOf(role)))
      expect(
        `${line} as ${weaker}: ${(await call(n.base, method, path, { key: n.keys[weaker as 'Monitor'] })).status}`,
      ).toBe(`${line} as ${weaker}: 403`);
  }
});

test('the OpenAPI document and Swagger UI need a credential too', async () => {
  expect((await call(n.base, 'GET', '/api/v1.0/openapi.json')).status).toBe(401);
  const ui = await fetch(`${n.base}/swagger-ui`, { headers: { accept: 'text/html' }, redirect: 'manual' });
  expect([ui.status, ui.headers.get('location')]).toEqual([303, '/login']);
  const shown = await fetch(`${n.base}/swagger-ui/`, {
    headers: { authorization: `Bearer ${n.keys.Monitor}` },
  });
  expect(shown.status).toBe(200);
  expect(await shown.text()).toMatch(/swagger/i);
});

test('login attempts are limited: after five failures even the right password waits', async () => {
  const login = (password: string) =>
    call(n.base, 'POST', '/login', { json: { httpd_username: 'admin1', httpd_password: password } });
  for (let i = 0; i < 5; i += 1) expect((await login('wrong')).status).toBe(401);
  const limited = await login('Admin-password');
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(n.apiLog.lines.join('\n')).not.toContain('Admin-password');
});

test('an API key made by an Admin works once, with its role; deleted, it is refused', async () => {
  const made = await call(n.base, 'POST', '/api/v1.0/apikey/Control/ops', { key: n.keys.Admin });
  expect(made.status).toBe(201);
  const token = made.body as string;
  expect(token).toMatch(/^keel_ops_[A-Za-z0-9_-]{43}$/);
  expect(await call(n.base, 'GET', '/api/v1.0/whoami', { key: token })).toMatchObject({
    status: 200,
    body: { user: 'apikey:ops', role: 'Control' },
  });
  const listed = await call(n.base, 'GET', '/api/v1.0/apikeys', { key: n.keys.Admin });
  expect(listed.body).toContainEqual({ name: 'ops', role: 'Control' });
  expect(JSON.stringify(listed.body)).not.toContain(token);
  expect((await call(n.base, 'DELETE', '/api/v1.0/apikey/ops', { key: n.keys.Admin })).status).toBe(204);
  expect((await call(n.base, 'GET', '/api/v1.0/whoami', { key: token })).status).toBe(401);
});
