// Login attempts against a real node are limited: after five failures even the right password waits,
// and no password reaches the service's log.
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
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
