import { describeLab } from './helpers';
import { KeelCluster, KeelClusterOptions } from './keel-cluster';

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
