// `keel -H` (safekit-ops §9.8) against a real node (nats-server, admin, api) whose cluster has a
// second node that is down: each server gets its banner, the one that does not answer its error,
// the other its output, and the exit code says that not all succeeded. The commands go through
// the api with the node credential from cluster.key, in root's name.
import { runCli } from '../../apps/cli/src/cli';
import { startApiNode, type ApiNode } from './api-node';
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

test('-H "*" runs on every node of cluster.xml; node2 does not answer and the others still run', async () => {
  const run = async (argv: string[]) => {
    const io = cliIo(n.node, 'node1');
    const code = await runCli(argv, io);
    return { code, out: io.stdout, err: io.stderr };
  };
  const started = await run(['-H', `[http:${port}],127.0.0.1`, 'start', '-m', 'demo']);
  expect(started).toMatchObject({
    code: 0,
    out: [`---------------- Server=http://127.0.0.1:${port} ----------------`, expect.any(String)],
  });
  for (let i = 0; i < 100 && !n.node.moduleLog().includes('Local state ALONE Ready'); i += 1)
    await new Promise((res) => setTimeout(res, 100));
  expect(n.node.moduleLog()).toContain(' I Action start called by root@node1\n');

  const all = await run(['-H', '*', 'state', '-m', 'demo']);
  expect(all.code).toBe(3);
  expect(all.out).toEqual([
    `---------------- Server=http://127.0.0.1:${port} ----------------`,
    'demo: ALONE (Ready)  remote: UNKNOWN',
    `---------------- Server=http://127.0.0.2:${port} ----------------`,
  ]);
  expect(all.err).toEqual([
    `keel state: the web service at http://127.0.0.2:${port} does not answer (ECONNREFUSED: connect ECONNREFUSED 127.0.0.2:${port})`,
  ]);

  const level = await run(['-H', 'node1', 'level']);
  expect(level.code).toBe(0);
  expect(level.out[1]).toMatch(/^keel test on .+ \(node node1\), /);

  // An unknown module is node1's refusal, after its banner; a command -H does not run is a usage error.
  const unknown = await run(['-H', 'node1', 'stop', '-m', 'nosuch']);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toEqual(['keel stop: unknown module nosuch (installed: demo)']);
  expect((await run(['-H', '*', 'logview', '-m', 'demo'])).code).toBe(2);
});
