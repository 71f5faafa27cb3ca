// `keel cluster genkey` then `keel -H "*" -G` over HTTPS between two real nodes: the new key waits
// beside the current one, -G (signed with the current key) gives it to both nodes with cluster.xml,
// and the distributed commands that follow are signed with the new key and accepted by both.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../apps/cli/src/cli';
import { startApiNode, type ApiNode } from './api-node';
import { cliIo, CLUSTER_KEY, prepareNode, sharedPorts } from './api-peers';

jest.setTimeout(90_000);
let n1: ApiNode;
let n2: ApiNode;
beforeAll(async () => {
  const [http, https] = await sharedPorts(2);
  n1 = await startApiNode({
    name: 'node1',
    listen: { host: '127.0.0.1', port: http! },
    prepare: (node) => prepareNode(node, 'node1', { http: http!, https: https! }),
  });
  n2 = await startApiNode({
    name: 'node2',
    listen: { host: '127.0.0.2', port: http! },
    prepare: (node) =>
      prepareNode(node, 'node2', { http: http!, https: https! }, join(n1.node.etc, 'web', 'tls')),
  });
});
afterAll(async () => {
  await n2?.stop();
  await n1?.stop();
});

test('genkey then -G gives every node the new key, and -H goes on working with it', async () => {
  const keel = async (argv: string[]) => {
    const io = cliIo(n1.node, 'node1');
    const code = await runCli(argv, io);
    return { code, out: io.stdout, err: io.stderr };
  };
  const keyOf = (n: ApiNode) => readFileSync(join(n.node.var, 'cluster', 'cluster.key'), 'utf8').trim();
  const pending = join(n1.node.var, 'cluster', 'cluster.key.new');

  expect((await keel(['cluster', 'genkey'])).code).toBe(0);
  const fresh = readFileSync(pending, 'utf8').trim();
  expect(fresh).toMatch(/^[0-9a-f]{64}$/);
  expect(keyOf(n1)).toBe(CLUSTER_KEY);

  const pushed = await keel(['-H', '*', '-G']);
  expect(pushed.err).toEqual([]);
  expect(pushed.code).toBe(0);
  expect(keyOf(n1)).toBe(fresh);
  expect(keyOf(n2)).toBe(fresh);
  expect(existsSync(pending)).toBe(false);

  const state = await keel(['-H', '*', 'state', '-m', 'demo']);
  expect(state).toMatchObject({ code: 0, err: [] });
  expect(state.out.filter((l) => l.startsWith('demo:'))).toEqual([
    'demo: STOP (NotReady)  remote: UNKNOWN',
    'demo: STOP (NotReady)  remote: UNKNOWN',
  ]);
});
