// Bad input to the REST API of a real node: every refusal is a 4xx whose message names the field,
// and nothing reaches admin (the module stays stopped, its log says nothing of it).
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

test.each([
  [
    'wrong type in args',
    'POST',
    '/api/v1.0/modules/demo/commands/start',
    { json: { args: [1] } },
    400,
    'body.args[0]',
  ],
  [
    'an argument start does not take',
    'POST',
    '/api/v1.0/modules/demo/commands/start',
    { json: { args: ['now'] } },
    400,
    'body.args',
  ],
  [
    'an unknown field',
    'POST',
    '/api/v1.0/modules/demo/commands/start',
    { json: { force: true } },
    400,
    'body.force',
  ],
  [
    'a bad identity',
    'POST',
    '/api/v1.0/modules/demo/commands/stop',
    { json: { identity: 'a b' } },
    400,
    'body.identity',
  ],
  [
    'a body that is not an object',
    'POST',
    '/api/v1.0/modules/demo/commands/stop',
    { json: [1, 2] },
    400,
    'body',
  ],
  [
    'a body of a type no parser reads',
    'POST',
    '/api/v1.0/modules/demo/commands/prim',
    { raw: '{"args":["fullsync"]}', type: 'text/plain' },
    415,
    'headers.content-type',
  ],
  ['malformed JSON', 'POST', '/api/v1.0/modules/demo/commands/stop', { raw: '{"args": [' }, 400, 'body'],
  [
    'a huge body',
    'POST',
    '/api/v1.0/modules/demo/commands/stop',
    { raw: `{"args":["${'x'.repeat(3 << 20)}"]}` },
    413,
    'body',
  ],
  [
    'too many arguments',
    'POST',
    '/api/v1.0/modules/demo/commands/printi',
    { json: { args: Array(9).fill('x') } },
    400,
    'body.args',
  ],
  [
    'a command the API does not send',
    'POST',
    '/api/v1.0/modules/demo/commands/shutdown',
    { json: {} },
    400,
    'path.command',
  ],
  [
    'incloop without identity',
    'POST',
    '/api/v1.0/modules/demo/commands/incloop',
    { json: {} },
    400,
    'body.identity',
  ],
  [
    'set without a value',
    'POST',
    '/api/v1.0/modules/demo/commands/set',
    { json: { args: ['r.x'] } },
    400,
    'body.args',
  ],
  ['a path trick in the module', 'GET', '/api/v1.0/modules/..%2F..%2Fetc/state', {}, 400, 'path.module'],
  ['a dotted module name', 'GET', '/api/v1.0/modules/.../state', {}, 400, 'path.module'],
  ['the reserved node name', 'GET', '/api/v1.0/modules/node/state', {}, 400, 'path.module'],
  ['a bad resource name', 'GET', '/api/v1.0/modules/demo/resources/a%20b', {}, 400, 'path.resource'],
  ['a log count of 0', 'GET', '/api/v1.0/modules/demo/log?count=0', {}, 400, 'query.count'],
  ['a log count that is no number', 'GET', '/api/v1.0/modules/demo/log?count=ten', {}, 400, 'query.count'],
  ['a bad log cursor', 'GET', '/api/v1.0/modules/demo/log?before=../x', {}, 400, 'query.before'],
  ['an unknown log parameter', 'GET', '/api/v1.0/modules/demo/log?lines=3', {}, 400, 'query.lines'],
  [
    'a config check without text',
    'POST',
    '/api/v1.0/modules/demo/config/check',
    { json: {} },
    400,
    'body.userconfig',
  ],
  ['an API key with an unknown role', 'POST', '/api/v1.0/apikey/Root/k1', {}, 400, 'path.role'],
  ['an API key with a bad name', 'POST', '/api/v1.0/apikey/Monitor/a:b', {}, 400, 'path.name'],
])('%s', async (_what, method, path, options, status, field) => {
  const r = await call(n.base, method, path, { key: n.keys.Admin, ...options });
  expect(r.status).toBe(status);
  expect(r.body.message).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}(:|$)`));
});

test('an unknown module is a 404 naming the installed ones; nothing reached admin', async () => {
  expect(
    await call(n.base, 'POST', '/api/v1.0/modules/nosuch/commands/start', { key: n.keys.Admin }),
  ).toMatchObject({
    status: 404,
    body: { message: 'unknown module nosuch (installed: demo)' },
  });
  expect(n.node.moduleLog()).not.toMatch(/Action/);
  expect(n.node.scriptLog()).toEqual([]);
});

test('a userconfig.xml with a mistake is checked, not applied: the problem is located', async () => {
  const r = await call(n.base, 'POST', '/api/v1.0/modules/demo/config/check', {
    key: n.keys.Admin,
    json: { userconfig: '<safe><service mode="mirror">\n<heart timeout="soon"/></service></safe>' },
  });
  expect(r.status).toBe(200);
  expect(r.body.valid).toBe(false);
  expect(r.body.issues).toContainEqual(
    expect.objectContaining({ line: 2, path: '/safe/service/heart', attribute: 'timeout' }),
  );
});
