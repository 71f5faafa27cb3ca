// Every route of the REST API, read from its own OpenAPI document, against a real node: without a
// credential each answers 401 (but login), with a key of a weaker role 403, a reading route
// answers the role it needs, and the roles the document declares are exactly the table of
// docs/decisions/0021.
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
  node: 'node2',
  path: 'level',
  change: '0123456789abcdef01234567',
};
const RANK = ['Monitor', 'Control', 'Admin'];

/** The roles table of docs/decisions/0021: method path role. */
const TABLE = `
GET /login public
POST /login public
POST /logout public
GET /openid/login public
GET /openid public
GET /api/v1.0/level Monitor
GET /metrics Monitor
GET /api/v1.0/modules Monitor
GET /api/v1.0/whoami Monitor
GET /api/v1.0/cmdlog Monitor
GET /api/v1.0/modules/{module}/state Monitor
GET /api/v1.0/modules/{module}/resources/{resource} Monitor
GET /api/v1.0/modules/{module}/log Monitor
GET /api/v1.0/modules/{module}/scriptlogs Control
GET /api/v1.0/modules/{module}/scriptlogs/{name} Control
POST /api/v1.0/modules/{module}/commands/{command} Monitor
GET /api/v1.0/modules/{module}/config Admin
POST /api/v1.0/modules/{module}/config/check Admin
GET /api/v1.0/cluster/config Admin
POST /api/v1.0/cluster/config/check Admin
GET /api/v1.0/apikeys Admin
POST /api/v1.0/apikey/{role}/{name} Admin
DELETE /api/v1.0/apikey/{name} Admin
GET /api/v1.0/nodes/{node}/{path} Monitor
POST /api/v1.0/nodes/{node}/{path} Monitor
DELETE /api/v1.0/nodes/{node}/{path} Monitor
POST /api/v1.0/modules Admin
DELETE /api/v1.0/modules/{module} Admin
POST /api/v1.0/changes Admin
POST /api/v1.0/changes/{change}/commit Admin
POST /api/v1.0/changes/{change}/rollback Admin
DELETE /api/v1.0/changes/{change} Admin
GET /api/v1.0/cluster/confinfo Monitor
GET /api/v1.0/cluster/state Monitor
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
    // The role a route needs is enough: a reading route answers it (a 404 for the made-up key or
    // resource is an answer); acting routes are exercised by the other api medium tests.
    if (method === 'GET') {
      const allowed = await call(n.base, method, path, { key: n.keys[role as 'Monitor'] });
      expect(`${line} as ${role}: ${[401, 403].includes(allowed.status) ? allowed.status : 'answered'}`).toBe(
        `${line} as ${role}: answered`,
      );
    }
    for (const weaker of RANK.slice(0, RANK.indexOf(role)))
      expect(
        `${line} as ${weaker}: ${(await call(n.base, method, path, { key: n.keys[weaker as 'Monitor'] })).status}`,
      ).toBe(`${line} as ${weaker}: 403`);
  }
});
