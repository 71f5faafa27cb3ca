// GraphQL without a credential against a real node: no operation, not even introspection, over
// HTTP (401 before GraphQL runs); no WebSocket (401 at the upgrade), nor with an unknown key, nor
// with a session cookie sent from a page of another origin.
import WebSocket from 'ws';
import { call, startApiNode, userOf, type ApiNode } from './api-node';
import { GRAPHQL, gql } from './api-graphql';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

const INTROSPECTION = '{ __schema { queryType { name } } }';

/** The status of a WebSocket upgrade with these headers: 101 when it was accepted. */
function upgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${n.base.replace(/^http/, 'ws')}${GRAPHQL}`, 'graphql-transport-ws', {
      headers,
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', reject);
  });
}

test('introspection and every operation need a credential, over HTTP and WebSocket', async () => {
  expect(await gql(n.base, INTROSPECTION)).toMatchObject({
    status: 401,
    body: { message: 'log in (POST /login) or give an API key (Authorization: Bearer <key>)' },
  });
  expect(
    (
      await gql(
        n.base,
        '{ level { node } }',
        {},
        { key: 'keel_nobody_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      )
    ).status,
  ).toBe(401);
  expect((await gql(n.base, '{ level { node } }', {}, { cookie: 'sessionSK=forged' })).status).toBe(401);
  expect((await call(n.base, 'GET', `${GRAPHQL}?query=${encodeURIComponent(INTROSPECTION)}`)).status).toBe(
    401,
  );
  expect((await gql(n.base, INTROSPECTION, {}, { key: n.keys.Monitor })).body).toEqual({
    data: { __schema: { queryType: { name: 'Query' } } },
  });

  expect(await upgrade({})).toBe(401);
  expect(
    await upgrade({ authorization: 'Bearer keel_nobody_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
  ).toBe(401);
  expect(await upgrade({ authorization: `Bearer ${n.keys.Monitor}` })).toBe(101);

  const monitor = userOf('Monitor');
  const form = new URLSearchParams({ httpd_username: monitor.user, httpd_password: monitor.password });
  const logged = await call(n.base, 'POST', '/login', {
    raw: form.toString(),
    type: 'application/x-www-form-urlencoded',
  });
  const cookie = (logged.headers.get('set-cookie') ?? '').split(';')[0]!;
  const host = new URL(n.base).host;
  expect(await upgrade({ cookie, origin: `http://${host}` })).toBe(101);
  expect(await upgrade({ cookie, origin: 'http://evil.example' })).toBe(401);
});
