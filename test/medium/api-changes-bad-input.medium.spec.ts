// Bad input to the routes of module packages and changes (docs/decisions/0022) against a real
// node: each refusal is a 4xx whose message names the field or the change, and nothing is staged.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

test('malformed change and install bodies, unknown changes and modules are refused by name', async () => {
  const admin = (method: string, path: string, json?: unknown) =>
    call(n.base, method, path, { key: n.keys.Admin, ...(json === undefined ? {} : { json }) });
  const refusals = [
    [await admin('POST', '/api/v1.0/changes', { cluster: 42 }), 400, /^body\.cluster: /],
    [await admin('POST', '/api/v1.0/changes', { cluster: '<cluster/>', key: 'short' }), 400, /^body\.key: /],
    [
      await admin('POST', '/api/v1.0/changes', { cluster: '<cluster/>', force: true }),
      400,
      /^body\.force: unknown field$/,
    ],
    [
      await admin('POST', '/api/v1.0/changes', { module: '../x', safe: 'AAAA' }),
      400,
      /^body\.module: a module name/,
    ],
    [
      await admin('POST', '/api/v1.0/changes', { module: 'app', safe: 'not base64!' }),
      400,
      /^body\.safe: a \.safe in base64$/,
    ],
    [
      await admin('POST', '/api/v1.0/changes', { cluster: '<cluster>' }),
      400,
      /^configuration not valid: cluster\.xml:/,
    ],
    [
      await admin('POST', '/api/v1.0/changes/nothex/commit'),
      400,
      /^path\.change: a change id is 24 hex digits$/,
    ],
    [await admin('POST', `/api/v1.0/changes/${'a'.repeat(24)}/commit`), 404, /^no change a{24} on this node/],
    [await admin('DELETE', `/api/v1.0/changes/${'b'.repeat(24)}`), 404, /^no change b{24} on this node/],
    [await admin('POST', '/api/v1.0/modules', { name: 'app', safe: 'AAAA', id: 0 }), 400, /^body\.id: /],
    [
      await admin('POST', '/api/v1.0/modules', { name: 'demo', safe: 'AAAA', replace: 'yes' }),
      400,
      /^body\.replace: /,
    ],
    [await admin('DELETE', '/api/v1.0/modules/nosuch'), 404, /^unknown module nosuch \(installed: demo\)$/],
  ] as const;
  for (const [r, status, message] of refusals) {
    expect(r.status).toBe(status);
    expect(r.body.message).toMatch(message);
  }
  for (const dir of [join(n.node.var, 'cluster', '.staging'), join(n.node.etc, 'modules', '.staging')])
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  // Control may not install, uninstall or stage anything.
  const control = await call(n.base, 'DELETE', '/api/v1.0/modules/demo', { key: n.keys.Control });
  expect(control.status).toBe(403);
  expect(existsSync(join(n.node.etc, 'modules', 'demo', 'conf', 'userconfig.xml'))).toBe(true);
});
