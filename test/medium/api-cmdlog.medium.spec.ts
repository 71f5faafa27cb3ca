// The commands log and the operator commands against a real node (nats-server, admin, api): admin
// writes each module command that changes something with who asked and how it ended, reading
// commands are left out; `GET /api/v1.0/cmdlog`, `keel cmdlog` and `keel -H … cmdlog` print it in
// SafeKit's raw format; `keel level`, `keel -p` and `keel boot status` (every module) answer.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../apps/cli/src/cli';
import { call, startApiNode, userOf, type ApiNode } from './api-node';
import { cliIo, prepareNode, sharedPorts } from './api-peers';

jest.setTimeout(60_000);
let n: ApiNode;
let port: number;
beforeAll(async () => {
  [port] = (await sharedPorts(1)) as [number];
  n = await startApiNode({
    listen: { host: '127.0.0.1', port },
    prepare: (node) => prepareNode(node, 'node1', { http: port }),
  });
});
afterAll(async () => {
  await n?.stop();
});

async function run(argv: string[]) {
  const io = cliIo(n.node, 'node1');
  const code = await runCli(argv, { ...io, env: { ...io.env, KEEL_NATS_URL: n.natsUrl } });
  return { code, out: io.stdout, err: io.stderr };
}

async function loginAs(role: 'Control' | 'Monitor'): Promise<string> {
  const r = await call(n.base, 'POST', '/login', {
    json: { httpd_username: userOf(role).user, httpd_password: userOf(role).password },
  });
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

test('each acting command is logged with its caller and result; reading ones are not', async () => {
  const control = await loginAs('Control');
  const cmd = (command: string, json: unknown = {}) =>
    call(n.base, 'POST', `/api/v1.0/modules/demo/commands/${command}`, { cookie: control, json });
  expect((await cmd('boot', { args: ['on'] })).status).toBe(200);
  expect((await run(['state', '-m', 'demo'])).code).toBe(0);
  expect((await run(['boot', 'status', '-m', 'demo'])).code).toBe(0);
  // Refused by admin (a mirror that is not running cannot be swapped): logged with its refusal.
  expect((await cmd('swap')).status).toBe(409);
  expect((await run(['set', '-r', 'custom.r1', '-v', 'up', '-m', 'demo', '-i', 'ops'])).code).toBe(0);

  const rest = await call(n.base, 'GET', '/api/v1.0/cmdlog', { cookie: await loginAs('Monitor') });
  expect(rest.status).toBe(200);
  const lines: string[] = rest.body.entries.map((e: { line: string }) => e.line);
  const id = (l: string) => l.split(' | ')[3];
  expect(lines).toHaveLength(6);
  expect(lines[0]).toMatch(
    /^\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \| keel \| demo \| \d+\.\d+ \| START \| boot -m demo on -u control1@127\.0\.0\.1$/,
  );
  expect(lines[1]).toMatch(/ \| {2}\| {2}\| \d+\.\d+ \| END \| 0$/);
  expect(id(lines[1]!)).toBe(id(lines[0]!));
  expect(lines[2]).toMatch(/\| START \| swap -m demo -u control1@127\.0\.0\.1$/);
  expect(lines[3]).toMatch(/\| END \| 1 REFUSED: /);
  expect(lines[4]).toMatch(/\| START \| set -m demo -r custom\.r1 -v up -i ops -u root$/);
  expect(lines[5]).toMatch(/\| END \| 0$/);

  // The same from the CLI, locally and through the web service with -H.
  const local = await run(['cmdlog']);
  expect(local).toMatchObject({ code: 0, out: lines });
  expect((await run(['cmdlog', '-s', '2'])).out).toEqual(lines.slice(4));
  const remote = await run(['-H', `[http:${port}],127.0.0.1`, 'cmdlog']);
  expect(remote).toMatchObject({
    code: 0,
    out: [`---------------- Server=http://127.0.0.1:${port} ----------------`, ...lines],
  });
  // The file is admin's, private: nobody but root reads who did what.
  expect(statSync(join(n.node.var, 'commands.log')).mode & 0o777).toBe(0o600);
  expect((await run(['cmdlog', '-s', '0'])).code).toBe(2);
  expect((await call(n.base, 'GET', '/api/v1.0/cmdlog?count=0', { key: n.keys.Monitor })).body.message).toBe(
    'query.count: Too small: expected number to be >=1',
  );
});

test('keel level, keel -p and keel boot status for every module', async () => {
  const level = await run(['level']);
  expect(level.code).toBe(0);
  expect(level.out).toEqual([
    expect.stringMatching(/^keel \S+ on .+ \(node node1\), Linux /),
    'Licence: Apache-2.0, open source: no licence key',
  ]);
  const paths = await run(['-p']);
  expect(paths.out).toEqual(
    expect.arrayContaining([
      `KEEL_ETC=${n.node.etc}`,
      `KEEL_VAR=${n.node.var}`,
      `KEEL_CMDLOG=${join(n.node.var, 'commands.log')}`,
    ]),
  );
  expect((await run(['-p', 'x'])).code).toBe(2);
  const boot = await run(['boot', 'status']);
  expect(boot).toMatchObject({ code: 0, out: ['demo: boot on'] });
});
