// HTTPS with keel's own PKI on a real node (nats-server, admin, api): `keel web initssl sca` makes
// the cluster CA and the node's certificate; a client that trusts only that CA reaches the API, one
// that does not is refused by TLS; plain HTTP redirects to HTTPS but keeps the health probe for
// load balancers; a login over HTTPS gets a Secure cookie.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, startApiNode, userOf, type ApiNode } from './api-node';
import { prepareNode, sharedPorts } from './api-peers';

jest.setTimeout(60_000);
let n: ApiNode;
let ports: number[];
beforeAll(async () => {
  ports = await sharedPorts(2);
  n = await startApiNode({
    listen: { host: '127.0.0.1', port: ports[0]! },
    prepare: (node) => prepareNode(node, 'node1', { http: ports[0]!, https: ports[1]! }),
  });
});
afterAll(async () => {
  await n?.stop();
});

function get(url: string, options: { ca?: string; key?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ...(options.ca ? { ca: options.ca } : {}),
        headers: options.key ? { authorization: `Bearer ${options.key}` } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('HTTPS is served with the cluster CA, HTTP redirects to it but keeps the probe, the cookie is Secure', async () => {
  const ca = readFileSync(join(n.node.etc, 'web', 'tls', 'ca.crt'), 'utf8');
  const secure = n.secureBase!;
  expect(secure).toBe(`https://127.0.0.1:${ports[1]}`);

  const level = await get(`${secure}/api/v1.0/level`, { ca, key: n.keys.Monitor });
  expect(level.status).toBe(200);
  expect(JSON.parse(level.body)).toMatchObject({ node: 'node1', version: 'test' });
  // Only that CA makes the certificate trusted: the system's trust store does not know it.
  await expect(get(`${secure}/api/v1.0/level`, { key: n.keys.Monitor })).rejects.toThrow(
    /self[- ]signed certificate in certificate chain|unable to verify/i,
  );

  const redirected = await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/start?x=1', {
    key: n.keys.Control,
  });
  expect(redirected.status).toBe(308);
  expect(redirected.headers.get('location')).toBe(`${secure}/api/v1.0/modules/demo/commands/start?x=1`);
  // The probe stays on HTTP for load balancers (safekit-ops §16): no redirect, no credential.
  expect(await call(n.base, 'GET', '/var/modules/demo/ready.txt')).toMatchObject({ status: 404 });

  const form = new URLSearchParams({
    httpd_username: userOf('Admin').user,
    httpd_password: userOf('Admin').password,
  });
  const login = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
    const req = request(
      `${secure}/login`,
      { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.end(form.toString());
  });
  expect(login.status).toBe(200);
  expect(login.cookie).toMatch(
    /^sessionSK=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/,
  );
});
