// A module's script logs through the api of a real node: the module started, its scripts' output
// is listed newest first and read from its end, over REST and GraphQL, by a Control key; a
// Monitor key is refused; a name that is not a script log's is 400, an absent one 404.
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { call, startApiNode, type ApiNode } from './api-node';
import { gql } from './api-graphql';

jest.setTimeout(60_000);
let n: ApiNode;
const OUTPUT = 'start_prim says hello\nand a second line on standard error\n';
beforeAll(async () => {
  n = await startApiNode({
    // start_prim prints on its standard output and error, which its script log keeps.
    prepare: async (node) => {
      appendFileSync(
        join(node.etc, 'modules', 'demo', 'bin', 'start_prim'),
        'echo "start_prim says hello"\necho "and a second line on standard error" >&2\n',
      );
      return {};
    },
  });
});
afterAll(async () => {
  await n?.stop();
});

test('the scripts of a start are listed and read; Monitor is refused', async () => {
  expect(
    (await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/start', { key: n.keys.Control })).status,
  ).toBe(200);
  let logs: { name: string; script: string; at: string; bytes: number }[] = [];
  for (let i = 0; i < 100 && !logs.some((l) => l.script === 'start_prim'); i += 1) {
    logs = (await call(n.base, 'GET', '/api/v1.0/modules/demo/scriptlogs', { key: n.keys.Control })).body
      .logs;
    await new Promise((res) => setTimeout(res, 100));
  }
  const start = logs.find((l) => l.script === 'start_prim')!;
  expect(start).toMatchObject({
    name: expect.stringMatching(/^userlog_.*_start_prim\.ulog$/),
    bytes: expect.any(Number),
  });
  expect([...logs].sort((a, b) => b.at.localeCompare(a.at))).toEqual(logs);

  const one = await call(n.base, 'GET', `/api/v1.0/modules/demo/scriptlogs/${start.name}?bytes=4096`, {
    key: n.keys.Control,
  });
  expect(one.status).toBe(200);
  expect(one.body).toMatchObject({ name: start.name, script: 'start_prim', truncated: false });
  expect(one.body.text).toBe(OUTPUT);
  expect(one.body.bytes).toBe(OUTPUT.length);
  // Only root reads them on the node too.
  expect(statSync(join(n.node.var, 'modules', 'demo', start.name)).mode & 0o777).toBe(0o600);

  const viaGraphql = await gql(
    n.base,
    'query($n: String!) { scriptLogs(module: "demo") { name } scriptLog(module: "demo", name: $n, bytes: 4) { text truncated } }',
    { n: start.name },
    { key: n.keys.Admin },
  );
  expect(viaGraphql.body.data.scriptLogs.map((l: { name: string }) => l.name)).toEqual(
    logs.map((l) => l.name),
  );
  expect(viaGraphql.body.data.scriptLog.text).toBe(one.body.text.slice(-4));

  expect(
    (await call(n.base, 'GET', '/api/v1.0/modules/demo/scriptlogs', { key: n.keys.Monitor })).status,
  ).toBe(403);
  const bad = await call(n.base, 'GET', '/api/v1.0/modules/demo/scriptlogs/..%2F..%2Fstate.json', {
    key: n.keys.Control,
  });
  expect(bad).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^path\.name: /) } });
  const absent = await call(
    n.base,
    'GET',
    '/api/v1.0/modules/demo/scriptlogs/userlog_2020_01_01T000000000_x.ulog',
    {
      key: n.keys.Control,
    },
  );
  expect(absent.status).toBe(404);
});
