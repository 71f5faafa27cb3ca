// GraphQL mutations against a real node: a Control user's session starts the module through admin
// (the module log names it with its address, as for the REST route); a Monitor key is refused an
// acting command but may run a read-only one; admin's refusal comes back in its words.
import { call, startApiNode, userOf, type ApiNode } from './api-node';
import { gql } from './api-graphql';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

const COMMAND = `mutation($c: ModuleCommand!, $args: [String!]) {
  moduleCommand(module: "demo", command: $c, args: $args) { detail } }`;

test('a Control session starts the module; a Monitor key is refused stop and may ask boot status', async () => {
  const control = userOf('Control');
  const form = new URLSearchParams({ httpd_username: control.user, httpd_password: control.password });
  const logged = await call(n.base, 'POST', '/login', {
    raw: form.toString(),
    type: 'application/x-www-form-urlencoded',
  });
  const cookie = (logged.headers.get('set-cookie') ?? '').split(';')[0]!;

  const started = await gql(n.base, COMMAND, { c: 'start' }, { cookie });
  expect(started.body.errors).toBeUndefined();
  expect(started.body.data.moduleCommand).toEqual({ detail: expect.any(String) });
  expect(n.node.moduleLog()).toContain(' I Action start called by control1@127.0.0.1\n');
  let state = '';
  for (let i = 0; i < 200 && state !== 'ALONE Ready'; i += 1) {
    const s = (await gql(n.base, '{ moduleState(module: "demo") { state readiness } }', {}, { cookie })).body
      .data.moduleState;
    state = `${s.state} ${s.readiness}`;
    if (state !== 'ALONE Ready') await new Promise((res) => setTimeout(res, 100));
  }
  expect(state).toBe('ALONE Ready');

  const again = await gql(n.base, COMMAND, { c: 'start' }, { cookie });
  expect(again.body.errors[0]).toMatchObject({
    message: 'the module is already started: ALONE (Ready)',
    extensions: { code: 'CONFLICT', status: 409 },
  });

  const refused = await gql(n.base, COMMAND, { c: 'stop' }, { key: n.keys.Monitor });
  expect(refused.status).toBe(200);
  expect(refused.body.data).toBeNull();
  expect(refused.body.errors[0]).toMatchObject({
    message: 'stop  needs the Control role; apikey:monitor-key has Monitor',
    extensions: { code: 'FORBIDDEN', status: 403 },
  });
  expect(n.node.moduleLog()).not.toContain('Action stop');
  expect((await gql(n.base, COMMAND, { c: 'boot', args: ['status'] }, { key: n.keys.Monitor })).body).toEqual(
    {
      data: { moduleCommand: { detail: 'boot off' } },
    },
  );
  // Bad arguments are refused before admin, named by the argument.
  expect(
    (await gql(n.base, COMMAND, { c: 'boot', args: ['maybe'] }, { key: n.keys.Control })).body.errors[0],
  ).toMatchObject({
    extensions: { status: 400, field: 'args.args' },
  });
  // An unknown command is not in the schema's enum: GraphQL refuses the document.
  expect(
    (await gql(n.base, COMMAND, { c: 'shutdown' }, { key: n.keys.Admin })).body.errors[0].message,
  ).toMatch(/Value "shutdown" does not exist in "ModuleCommand" enum/);
});
