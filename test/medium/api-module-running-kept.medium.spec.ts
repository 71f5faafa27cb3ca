// A module that runs keeps its files (docs/decisions/0022): against a real node whose demo module
// is started, a new package for it, staged or installed, and its uninstall are each a 409 saying
// to stop it first, and its files are as they were.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packModule } from '@keel/config';
import { call, startApiNode, USERCONFIG, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

test('a started module is neither replaced nor uninstalled', async () => {
  const admin = (method: string, path: string, json?: unknown) =>
    call(n.base, method, path, { key: n.keys.Admin, ...(json === undefined ? {} : { json }) });
  expect((await admin('POST', '/api/v1.0/modules/demo/commands/start', { args: [] })).status).toBe(200);
  for (let i = 0; i < 100; i += 1) {
    const s = await admin('GET', '/api/v1.0/modules');
    if (s.body.find((m: { name: string; state?: string }) => m.name === 'demo')?.state === 'ALONE') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const userconfig = join(n.node.etc, 'modules', 'demo', 'conf', 'userconfig.xml');
  const safe = packModule([
    { path: 'conf/userconfig.xml', mode: 0o644, data: Buffer.from(USERCONFIG.replace('<user/>', '')) },
  ]).toString('base64');

  const staged = await admin('POST', '/api/v1.0/changes', { module: 'demo', safe });
  expect(staged).toMatchObject({
    status: 409,
    body: { message: 'module demo is ALONE on this node: stop it before replacing it' },
  });
  const installed = await admin('POST', '/api/v1.0/modules', { name: 'demo', safe, replace: true });
  expect(installed.status).toBe(409);
  const removed = await admin('DELETE', '/api/v1.0/modules/demo');
  expect(removed).toMatchObject({
    status: 409,
    body: { message: 'module demo is ALONE on this node: stop it before uninstalling it' },
  });
  expect(readFileSync(userconfig, 'utf8')).toBe(USERCONFIG);
});
