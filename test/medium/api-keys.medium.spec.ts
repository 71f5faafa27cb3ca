// API keys on a real node: made by an Admin, shown once, working with their role; deleted, refused.
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
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
