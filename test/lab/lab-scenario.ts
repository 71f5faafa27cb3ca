import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLab } from './helpers';
import { KeelCluster, KeelClusterOptions, ROOT } from './keel-cluster';

/**
 * One mirror scenario on a fresh two-node cluster already in PRIM (node1) / SECOND (node2),
 * destroyed afterwards whatever happens.
 */
export function mirrorScenario(
  name: string,
  body: (cluster: () => KeelCluster) => void,
  options: KeelClusterOptions & { running?: boolean } = {},
): void {
  describeLab(name, () => {
    let c: KeelCluster | undefined;
    beforeAll(async () => {
      c = await KeelCluster.create(name.replace(/[^a-z]/g, '').slice(0, 6), options);
      if (options.running !== false) await c.primSecond();
    }, 90_000);
    afterAll(async () => {
      await c?.destroy();
    });
    body(() => {
      if (!c) throw new Error('cluster not created');
      return c;
    });
  });
}

/** The farm sample's three nodes. */
export const FARM_NODES = ['node1', 'node2', 'node3'] as const;

/**
 * One farm scenario on a fresh three-node cluster with the farm sample (deploy/samples/farm-demo)
 * and a client host, every node started and UP (Ready) unless `running` is false; destroyed
 * afterwards whatever happens.
 */
export function farmScenario(
  name: string,
  body: (cluster: () => KeelCluster) => void,
  options: KeelClusterOptions & { running?: boolean } = {},
): void {
  describeLab(name, () => {
    let c: KeelCluster | undefined;
    beforeAll(async () => {
      c = await KeelCluster.create(name.replace(/[^a-z]/g, '').slice(0, 6), {
        sample: 'farm-demo',
        nodes: FARM_NODES,
        clusterXml: readFileSync(join(ROOT, 'deploy/samples/farm-demo/cluster.xml'), 'utf8'),
        clients: ['client1'],
        ...options,
      });
      if (options.running === false) return;
      for (const node of FARM_NODES) await c.keel(node, 'start');
      for (const node of FARM_NODES) await c.waitState(node, 'UP');
    }, 120_000);
    afterAll(async () => {
      await c?.destroy();
    });
    body(() => {
      if (!c) throw new Error('cluster not created');
      return c;
    });
  });
}
