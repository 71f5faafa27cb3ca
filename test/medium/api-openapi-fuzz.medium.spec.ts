// An OpenAPI-driven fuzz of a real node's REST API: for every operation of its own document, requests
// that break its contract in one place (openapi-fuzz.ts: bad path segments, wrong query types,
// malformed, mistyped, oversized and deeply nested bodies), sent with an Admin key so every route
// is reached. Each must be answered with a 4xx, the api must keep answering, and nothing reaches
// admin (the module stays stopped, its log never names an action). KEEL_FUZZ_SEED varies the cases.
import { call, startApiNode, type ApiNode } from './api-node';
import { seededRandom } from '@keel/testing';
import { casesFor, type FuzzCase } from './openapi-fuzz';

jest.setTimeout(300_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

/** A value each path parameter's route accepts (the module is installed, the node is this one). */
const VALID: Record<string, string> = {
  module: 'demo',
  command: 'start',
  resource: 'usersetting.failover',
  role: 'Monitor',
  name: 'fuzz-key',
  node: 'node1',
  path: 'level',
  change: '0123456789abcdef01234567',
};

async function send(c: FuzzCase): Promise<string> {
  const headers: Record<string, string> = { authorization: `Bearer ${n.keys.Admin}` };
  if (c.type) headers['content-type'] = c.type;
  try {
    const r = await fetch(`${n.base}${c.path}`, {
      method: c.method,
      headers,
      body: c.body,
      redirect: 'manual',
    });
    await r.arrayBuffer();
    return String(r.status);
  } catch (e) {
    return `no answer (${(e as Error).message})`;
  }
}

test('every malformed request to every operation is answered 4xx, and the api lives on', async () => {
  const seed = Number(process.env.KEEL_FUZZ_SEED ?? 20261208);
  const rand = seededRandom(seed);
  const doc = await call(n.base, 'GET', '/api/v1.0/openapi.json', { key: n.keys.Monitor });
  expect(doc.status).toBe(200);

  const wrong: string[] = [];
  let sent = 0;
  for (const [template, ops] of Object.entries(doc.body.paths as Record<string, Record<string, any>>))
    for (const [method, op] of Object.entries(ops)) {
      // A proxied route's path is another node's route: fuzzed there, as this node's own routes.
      const keep = op['x-keel-proxy'] ? ['path'] : [];
      for (const c of casesFor(method, template, op, VALID, rand, keep)) {
        const status = await send(c);
        sent += 1;
        if (!/^4\d\d$/.test(status)) wrong.push(`${c.method} ${c.path.slice(0, 120)} (${c.why}): ${status}`);
      }
      const alive = await call(n.base, 'GET', '/api/v1.0/level', { key: n.keys.Monitor });
      expect(`after ${method.toUpperCase()} ${template}: ${alive.status}`).toBe(
        `after ${method.toUpperCase()} ${template}: 200`,
      );
    }
  expect({ seed, wrong }).toEqual({ seed, wrong: [] });
  // Enough cases reached the routes to mean something (a document that lost its schemas would not).
  expect(sent).toBeGreaterThan(400);
  expect(n.node.moduleLog()).not.toMatch(/Action .* called by/);
  expect(
    (await call(n.base, 'GET', '/api/v1.0/modules/demo/state', { key: n.keys.Monitor })).body,
  ).toMatchObject({
    state: 'STOP',
  });
});
