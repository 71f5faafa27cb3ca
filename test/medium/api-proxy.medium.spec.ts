// /api/v1.0/nodes/<node>/... between two real nodes (nats-server, admin, api each) over HTTPS with
// keel's PKI (node2's certificate made from node1's CA): the request reaches node2's api signed
// with the node credential for the caller, node2 enforces the caller's role, its module log names
// the caller; an unknown node is a 404 naming path.node; a request signed by another cluster key
// is refused.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { nodeRequest, signNodeRequest, nodeCredentialKey } from '@keel/config';
import { startApiNode, type ApiNode } from './api-node';
import { callTls, prepareNode, sharedPorts } from './api-peers';

jest.setTimeout(90_000);
let n1: ApiNode;
let n2: ApiNode;
beforeAll(async () => {
  const [http, https] = await sharedPorts(2);
  n1 = await startApiNode({
    name: 'node1',
    listen: { host: '127.0.0.1', port: http! },
    prepare: (node) => prepareNode(node, 'node1', { http: http!, https: https! }),
  });
  n2 = await startApiNode({
    name: 'node2',
    listen: { host: '127.0.0.2', port: http! },
    prepare: (node) =>
      prepareNode(node, 'node2', { http: http!, https: https! }, join(n1.node.etc, 'web', 'tls')),
  });
});
afterAll(async () => {
  await n2?.stop();
  await n1?.stop();
});

async function waitState(key: string, ca: string, state: string) {
  for (let i = 0; i < 200; i += 1) {
    const r = await callTls(n1.secureBase!, 'GET', '/api/v1.0/nodes/node2/modules/demo/state', { key, ca });
    if (r.body.state === state && r.body.readiness === 'Ready') return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`node2's demo never reached ${state}`);
}

test("node1 proxies to node2 in the caller's name; node2 decides the role", async () => {
  const ca = readFileSync(join(n1.node.etc, 'web', 'tls', 'ca.crt'), 'utf8');
  const via1 = (method: string, path: string, key: string, json?: unknown) =>
    callTls(n1.secureBase!, method, path, { key, ca, ...(json === undefined ? {} : { json }) });

  expect(await via1('GET', '/api/v1.0/nodes/node2/level', n1.keys.Monitor)).toMatchObject({
    status: 200,
    body: { node: 'node2' },
  });
  // The caller's role travels: node2 refuses a Monitor's command, and node1's key is not node2's.
  const refused = await via1(
    'POST',
    '/api/v1.0/nodes/node2/modules/demo/commands/start',
    n1.keys.Monitor,
    {},
  );
  expect(refused.status).toBe(403);
  expect(refused.body.message).toBe('start  needs the Control role; apikey:monitor-key has Monitor');
  expect(
    await via1('POST', '/api/v1.0/nodes/node2/modules/demo/commands/start', n1.keys.Control, {
      identity: 'ops',
    }),
  ).toMatchObject({ status: 200 });
  await waitState(n1.keys.Monitor, ca, 'ALONE');
  expect(n2.node.moduleLog()).toContain(' I Action start called by ops\n');
  expect(
    await via1('POST', '/api/v1.0/nodes/node2/modules/demo/commands/stop', n1.keys.Control, {}),
  ).toMatchObject({ status: 200 });
  for (
    let i = 0;
    i < 100 && !n2.node.moduleLog().includes('Action stop called by apikey:control-key@127.0.0.1');
    i += 1
  )
    await new Promise((res) => setTimeout(res, 100));
  expect(n2.node.moduleLog()).toContain(' I Action stop called by apikey:control-key@127.0.0.1\n');
  expect(n1.node.moduleLog()).toBe('');

  expect(await via1('GET', '/api/v1.0/nodes/node9/level', n1.keys.Monitor)).toMatchObject({
    status: 404,
    body: { field: 'path.node', message: 'path.node: unknown node node9 (cluster.xml has node1, node2)' },
  });
  expect((await via1('GET', '/api/v1.0/nodes/node2/level', 'keel_nobody_' + 'A'.repeat(43))).status).toBe(
    401,
  );

  // A request signed with another cluster key, or played again, is refused by node2.
  const url = '/api/v1.0/level';
  const claim = { from: 'node1', user: 'root', role: 'Admin' as const, address: 'node1' };
  const other = signNodeRequest(
    nodeCredentialKey(Buffer.alloc(32, 7)),
    claim,
    { method: 'GET', url, body: Buffer.alloc(0) },
    Date.now(),
  );
  const ask = (authorization: string) =>
    nodeRequest({ origin: n2.secureBase!, method: 'GET', url, headers: { authorization }, ca }).catch(
      (e: Error) => {
        throw new Error(`to node2: ${e.message}`);
      },
    );
  expect((await ask(other)).status).toBe(401);
  const good = signNodeRequest(
    nodeCredentialKey(Buffer.from('ab'.repeat(32), 'hex')),
    claim,
    { method: 'GET', url, body: Buffer.alloc(0) },
    Date.now(),
  );
  expect((await ask(good)).status).toBe(200);
  expect((await ask(good)).status).toBe(401);
});
