import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLab } from './helpers';
import { KeelCluster, KeelClusterOptions, ROOT } from './keel-cluster';

type ScenarioOptions = KeelClusterOptions & { running?: boolean };

/**
 * One mirror scenario on a fresh two-node cluster already in PRIM (node1) / SECOND (node2),
 * destroyed afterwards whatever happens.
 */
export function mirrorScenario(
  name: string,
  body: (cluster: () => KeelCluster) => void,
  options: ScenarioOptions = {},
): void {
  clusterScenario(name, body, options, (c) => c.primSecond(), 90_000);
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
  options: ScenarioOptions = {},
): void {
  const farm: KeelClusterOptions = {
    sample: 'farm-demo',
    nodes: FARM_NODES,
    clusterXml: readFileSync(join(ROOT, 'deploy/samples/farm-demo/cluster.xml'), 'utf8'),
    clients: ['client1'],
  };
  const start = async (c: KeelCluster) => {
    for (const node of FARM_NODES) await c.keel(node, 'start');
    for (const node of FARM_NODES) await c.waitState(node, 'UP');
    // UP (Ready) comes before the view that gives every node its share has reached all of them:
    // a client that starts earlier meets buckets nobody serves yet (seen on a loaded CI machine).
    for (const node of FARM_NODES) await c.waitLog(node, /farm membership: node1 node2 node3 /);
  };
  clusterScenario(name, body, { ...farm, ...options }, start, 120_000);
}

/** The cluster made before the scenario's tests (and started, unless `running` is false), always destroyed after. */
function clusterScenario(
  name: string,
  body: (cluster: () => KeelCluster) => void,
  options: ScenarioOptions,
  start: (c: KeelCluster) => Promise<void>,
  timeoutMs: number,
): void {
  describeLab(name, () => {
    let c: KeelCluster | undefined;
    beforeAll(async () => {
      c = await KeelCluster.create(name.replace(/[^a-z]/g, '').slice(0, 6), options);
      if (options.running !== false) await start(c);
    }, timeoutMs);
    afterAll(async () => {
      await c?.destroy();
    });
    body(() => {
      if (!c) throw new Error('cluster not created');
      return c;
    });
  });
}
