// Two api nodes on loopback (node1 127.0.0.1, node2 127.0.0.2; real nats-server, admin and api
// each) over HTTP, sharing a cluster.xml and cluster key, for the cluster configuration tests
// (`keel -G`, `keel -E`): api-peers.ts's nodes with the cluster.xml each test needs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../apps/cli/src/cli';
import { startApiNode, type ApiNode } from './api-node';
import { cliIo, prepareNode, sharedPorts } from './api-peers';

export interface ClusterNodes {
  readonly n1: ApiNode;
  readonly n2: ApiNode;
  /** `keel <argv>` on node1, as root there. */
  keel(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }>;
  stop(): Promise<void>;
}

export async function startClusterNodes(cluster?: string): Promise<ClusterNodes> {
  const [port] = (await sharedPorts(1)) as [number];
  const prepare = (name: string) => async (node: ApiNode['node']) => {
    const settings = await prepareNode(node, name, { http: port });
    if (cluster) writeFileSync(join(node.var, 'cluster', 'cluster.xml'), cluster);
    return settings;
  };
  const n1 = await startApiNode({
    name: 'node1',
    listen: { host: '127.0.0.1', port },
    prepare: prepare('node1'),
  });
  let n2: ApiNode;
  try {
    n2 = await startApiNode({
      name: 'node2',
      listen: { host: '127.0.0.2', port },
      prepare: prepare('node2'),
    });
  } catch (e) {
    await n1.stop();
    throw e;
  }
  return {
    n1,
    n2,
    keel: async (argv) => {
      const io = cliIo(n1.node, 'node1');
      const code = await runCli(argv, io);
      return { code, out: io.stdout, err: io.stderr };
    },
    stop: async () => {
      await n2.stop();
      await n1.stop();
    },
  };
}
