// `keel healthcheck` asks the other nodes of cluster.xml (docs/decisions/0023): two real api nodes
// on 127.0.0.1 and 127.0.0.2 with the same cluster key. node2 answers node1's signed request: OK.
// node2 given another key: it refuses node1's credential, a FAIL that says to give every node the
// same key. node2 stopped: a WARN (a node may be down for a reason).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthcheck } from '../../apps/cli/src/support/healthcheck/healthcheck';
import { SystemProbe } from '../../apps/cli/src/support/healthcheck/system-probe';
import { startApiNode, type ApiNode } from './api-node';
import { cliIo, prepareNode, sharedPorts } from './api-peers';

jest.setTimeout(90_000);
let node1: ApiNode;
let node2: ApiNode | undefined;
let port: number;
beforeAll(async () => {
  [port] = (await sharedPorts(1)) as [number];
  node1 = await startApiNode({
    listen: { host: '127.0.0.1', port },
    prepare: (node) => prepareNode(node, 'node1', { http: port }),
  });
  node2 = await startApiNode({
    name: 'node2',
    listen: { host: '127.0.0.2', port },
    prepare: (node) => prepareNode(node, 'node2', { http: port }),
  });
});
afterAll(async () => {
  await node2?.stop();
  await node1?.stop();
});

async function peerLine(): Promise<string> {
  const io = cliIo(node1.node, 'node1');
  await healthcheck([], io, new SystemProbe(process.env.PATH));
  return io.stdout.find((l) => l.includes(' peer node2: ')) ?? `no peer line in: ${io.stdout.join(' | ')}`;
}

test('the peer answers with the same key; refuses with another; is away when stopped', async () => {
  expect(await peerLine()).toBe(
    `OK   peer node2: http://127.0.0.2:${port} answers and holds the same cluster key`,
  );
  writeFileSync(join(node2!.node.var, 'cluster', 'cluster.key'), 'cd'.repeat(32), { mode: 0o600 });
  expect(await peerLine()).toMatch(
    new RegExp(
      `^FAIL peer node2: http://127.0.0.2:${port} refuses this node's credential: .* -> give every node the same cluster key`,
    ),
  );
  await node2!.stop();
  node2 = undefined;
  expect(await peerLine()).toMatch(
    new RegExp(`^WARN peer node2: http://127.0.0.2:${port} does not answer: .* -> start keel on node2`),
  );
});
