// Every GraphQL root field, read from the schema's own introspection, against a real node: the role
// each declares is the table of docs/decisions/0021; every role's key may run each query and
// subscription; and every module command (the ModuleCommand enum) needs exactly the role the table
// gives it. The commands are sent for a module that is not installed: the role is checked before
// the module is looked up, so an allowed role meets NOT_FOUND and nothing runs.
import { WEB_ROLES, type WebRole } from '@keel/config';
import { startApiNode, type ApiNode } from './api-node';
import { collect, gql, until, wsClient } from './api-graphql';

jest.setTimeout(120_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

const RANK: readonly WebRole[] = ['Monitor', 'Control', 'Admin'];
const weakerThan = (role: WebRole) => RANK.slice(0, RANK.indexOf(role));

/** kind field role, as the descriptions say it (0021). */
const FIELDS = `
query level Monitor
query whoami Monitor
query modules Monitor
query moduleState Monitor
query resource Monitor
query moduleLog Monitor
query scriptLogs Control
query scriptLog Control
mutation moduleCommand Monitor
subscription stateChanged Monitor
subscription moduleLogLines Monitor
`
  .trim()
  .split('\n');

/** One operation of each query, with the arguments it needs. */
const QUERIES: Record<string, string> = {
  level: '{ level { node } }',
  whoami: '{ whoami { user role } }',
  modules: '{ modules { name } }',
  moduleState: '{ moduleState(module: "demo") { state } }',
  resource: '{ resource(module: "demo", name: "usersetting.failover") { value } }',
  moduleLog: '{ moduleLog(module: "demo", count: 1) { older } }',
  scriptLogs: '{ scriptLogs(module: "demo") { name } }',
  scriptLog: '{ scriptLog(module: "demo", name: "userlog_2026_01_01T000000000_start_both.ulog") { text } }',
};

/** Every command with valid arguments, and the role it needs (0021 "Module commands"). */
const COMMANDS: ReadonlyArray<[string, string[], WebRole, string?]> = [
  ['start', [], 'Control'],
  ['stop', [], 'Control'],
  ['restart', [], 'Control'],
  ['stopstart', [], 'Control'],
  ['forcestop', [], 'Control'],
  ['primforce', [], 'Control'],
  ['prim', ['fullsync'], 'Control'],
  ['second', [], 'Control'],
  ['swap', ['nosync'], 'Control'],
  ['failover', ['off'], 'Control'],
  ['checker', ['on'], 'Control'],
  ['boot', ['on'], 'Control'],
  ['boot', ['status'], 'Monitor'],
  ['farm', ['open'], 'Control'],
  ['farm', ['bitmap'], 'Monitor'],
  ['errd', ['off'], 'Control'],
  ['errd', ['enable', 'app'], 'Control'],
  ['errd', ['list'], 'Monitor'],
  ['set', ['r1', 'up'], 'Control'],
  ['printi', ['a line'], 'Control'],
  ['printe', ['a line'], 'Control'],
  ['incloop', [], 'Control', 'handler'],
  ['resetloop', [], 'Control'],
  ['secondforce', ['2026-01-01'], 'Control'],
  ['rfssync', ['full'], 'Control'],
  ['rfssync', [], 'Monitor'],
  ['rfssync', ['external', 'second', 'backup@1'], 'Control'],
  ['rfsdiff', [], 'Monitor'],
  ['rfsverify', [], 'Monitor'],
  ['checkloop', [], 'Monitor'],
];

const COMMAND = `mutation($c: ModuleCommand!, $args: [String!], $i: String) {
  moduleCommand(module: "nosuchmodule", command: $c, args: $args, identity: $i) { detail } }`;

const codeOf = (body: any): string => body?.errors?.[0]?.extensions?.code ?? (body?.data ? 'answered' : '?');

test('each root field and each module command needs exactly the role the table says', async () => {
  const schema = await gql(
    n.base,
    `{ __schema { queryType { fields { name description } } mutationType { fields { name description } }
         subscriptionType { fields { name description } } }
       ModuleCommand: __type(name: "ModuleCommand") { enumValues { name } } }`,
    {},
    { key: n.keys.Monitor },
  );
  expect(schema.body.errors).toBeUndefined();
  const s = schema.body.data.__schema;
  const declared: string[] = [];
  for (const [kind, type] of [
    ['query', s.queryType],
    ['mutation', s.mutationType],
    ['subscription', s.subscriptionType],
  ] as const)
    for (const f of type.fields as { name: string; description: string }[])
      declared.push(`${kind} ${f.name} ${/Role: (\w+)/.exec(f.description)?.[1] ?? 'none'}`);
  expect(declared.sort()).toEqual([...FIELDS].sort());

  // Queries: a weaker role is FORBIDDEN, the role itself and stronger ones are let through (an
  // answer, or NOT_FOUND for the made-up script log); no credential is refused at the door
  // (api-graphql-unauthenticated.medium.spec.ts).
  const roleOf = Object.fromEntries(FIELDS.map((l) => l.split(' ')).map(([, f, r]) => [f, r as WebRole]));
  for (const [field, query] of Object.entries(QUERIES))
    for (const role of WEB_ROLES) {
      const r = await gql(n.base, query, {}, { key: n.keys[role] });
      const code = codeOf(r.body);
      const got = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? code : 'let through';
      const want = weakerThan(roleOf[field]!).includes(role) ? 'FORBIDDEN' : 'let through';
      expect(`${field} as ${role}: ${r.status} ${got}`).toBe(`${field} as ${role}: 200 ${want}`);
    }

  // Commands: the enum is the table's, and each command's role is exactly the table's.
  const enumValues = (schema.body.data.ModuleCommand.enumValues as { name: string }[]).map((v) => v.name);
  expect([...new Set(COMMANDS.map(([c]) => c))].sort()).toEqual([...enumValues].sort());
  for (const [c, args, role, identity] of COMMANDS) {
    const line = `${c} ${args.join(' ')}`.trim();
    for (const weaker of weakerThan(role)) {
      const r = await gql(n.base, COMMAND, { c, args, i: identity }, { key: n.keys[weaker] });
      expect(`${line} as ${weaker}: ${codeOf(r.body)}`).toBe(`${line} as ${weaker}: FORBIDDEN`);
    }
    for (const enough of RANK.slice(RANK.indexOf(role))) {
      const r = await gql(n.base, COMMAND, { c, args, i: identity }, { key: n.keys[enough] });
      expect(`${line} as ${enough}: ${codeOf(r.body)}`).toBe(`${line} as ${enough}: NOT_FOUND`);
    }
  }
});

test('every role may subscribe to the state changes and the log lines', async () => {
  for (const role of WEB_ROLES) {
    const client = wsClient(n.base, { key: n.keys[role] });
    try {
      const states = collect(client, 'subscription { stateChanged(module: "demo") { state } }');
      const lines = collect(client, 'subscription { moduleLogLines(module: "demo") { message } }');
      // The subscriptions run once an operation on another connection has been answered after
      // them; a printi then writes a line only they can have heard.
      const marker = `matrix ${role} ${Date.now()}`;
      let heard = false;
      for (let i = 0; i < 50 && !heard; i += 1) {
        const sent = await gql(
          n.base,
          'mutation($m: [String!]) { moduleCommand(module: "demo", command: printi, args: $m) { detail } }',
          { m: [`${marker} ${i}`] },
          { key: n.keys.Control },
        );
        expect(sent.body.errors).toBeUndefined();
        heard = await until('the line', () => lines.events.length > 0, 10).then(
          () => true,
          () => false,
        );
      }
      expect(lines.failed).toBeUndefined();
      expect(lines.events[0].data.moduleLogLines.message).toContain(marker);
      expect(
        `${role}: ${states.failed ?? states.events.find((e) => e.errors)?.errors[0].message ?? 'running'}`,
      ).toBe(`${role}: running`);
    } finally {
      await client.dispose();
    }
  }
});
