// The OpenAPI document and Swagger UI of a real node need a credential; a browser is sent to log in.
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
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
