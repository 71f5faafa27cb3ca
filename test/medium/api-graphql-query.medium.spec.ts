// GraphQL queries against a real node (nats-server, admin, api): with a Monitor API key the node,
// the caller, the modules, a module's state with its resources and a page of its log, each the
// same answer as the REST route's; refused input named by its argument, an unknown module 404.
import { call, startApiNode, type ApiNode } from './api-node';
import { gql } from './api-graphql';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

test('a Monitor key reads the node and a module as the REST API gives them', async () => {
  const key = n.keys.Monitor;
  const r = await gql(
    n.base,
    `{ level { node version } whoami { user role } modules { name }
       moduleState(module: "demo") { module state readiness exitCode resources { name value by } }
       moduleLog(module: "demo", count: 5) { lines older } }`,
    {},
    { key },
  );
  expect(r.status).toBe(200);
  expect(r.body.errors).toBeUndefined();
  const d = r.body.data;
  expect(d.level).toEqual({ node: 'node1', version: 'test' });
  expect(d.whoami).toEqual({ user: 'apikey:monitor-key', role: 'Monitor' });
  expect(d.modules).toEqual([{ name: 'demo' }]);

  const rest = (await call(n.base, 'GET', '/api/v1.0/modules/demo/state', { key })).body;
  expect(d.moduleState.module).toBe('demo');
  expect(d.moduleState.state).toBe(rest.state);
  expect(d.moduleState.exitCode).toBe(rest.exitCode);
  expect(Object.fromEntries(d.moduleState.resources.map((x: any) => [x.name, x.value]))).toEqual(
    Object.fromEntries(Object.entries(rest.resources).map(([k, v]: [string, any]) => [k, v.value])),
  );
  expect(d.moduleLog.lines.length).toBeLessThanOrEqual(5);

  const resource = d.moduleState.resources[0].name;
  expect(
    (
      await gql(
        n.base,
        'query($r: String!) { resource(module: "demo", name: $r) { name value } }',
        { r: resource },
        { key },
      )
    ).body.data.resource,
  ).toEqual({ name: resource, value: d.moduleState.resources[0].value });

  const bad = await gql(n.base, '{ moduleLog(module: "demo", count: 0) { lines } }', {}, { key });
  expect(bad.body.data).toBeNull();
  expect(bad.body.errors[0]).toMatchObject({
    message: expect.stringMatching(/^args\.count: /),
    extensions: { code: 'BAD_USER_INPUT', status: 400, field: 'args.count' },
  });
  const unknown = await gql(n.base, '{ moduleState(module: "nope") { state } }', {}, { key });
  expect(unknown.body.errors[0]).toMatchObject({
    message: 'unknown module nope (installed: demo)',
    extensions: { code: 'NOT_FOUND', status: 404 },
  });
  const trick = await gql(n.base, '{ moduleState(module: "../demo") { state } }', {}, { key });
  expect(trick.body.errors[0].extensions).toMatchObject({ status: 400, field: 'args.module' });

  // One document cannot fan out into many requests to admin.
  const many = Array.from({ length: 33 }, (_v, i) => `s${i}: moduleState(module: "demo") { state }`).join(
    ' ',
  );
  const limited = await gql(n.base, `{ ${many} }`, {}, { key });
  expect(limited.body.errors[0].message).toBe('at most 32 root fields in one document (aliases included)');
  expect(limited.body.data).toBeUndefined();
});
