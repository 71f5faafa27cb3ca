import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mirrorScenario } from './lab-scenario';
import { ROOT } from './keel-cluster';
import { ALONE_TO_PRIM, START_AS_SECOND, SWAP_TO_PRIM, SWAP_TO_SECOND } from './script-orders';

// Issue 3 / acceptance 8.2.22: defaultprim="node1" swaps back once node1 has rejoined.
const userconfig = readFileSync(join(ROOT, 'deploy/samples/mirror-demo/conf/userconfig.xml'), 'utf8').replace(
  'defaultprim="alone"',
  'defaultprim="node1"',
);

mirrorScenario(
  'mirror defaultprim',
  (c) => {
    test('node1 stops, node2 goes ALONE; node1 restarts, rejoins as SECOND, then swaps back to PRIM', async () => {
      await c().keel('node1', 'stop');
      await c().waitState('node2', 'ALONE');
      const [from1, from2] = [await c().mark('node1'), await c().mark('node2')];
      await c().keel('node1', 'start');
      await c().waitState('node1', 'PRIM', 30);
      await c().waitState('node2', 'SECOND');
      const log1 = await c().log('node1');
      expect(log1).toMatch(/ V Transition SWAP from defaultprim/);
      // The swap waits for node1's copy: it comes after its reintegration.
      expect(log1.indexOf('Reintegration ended (synchronize)')).toBeGreaterThan(-1);
      expect(log1.indexOf('Transition SWAP from defaultprim')).toBeGreaterThan(
        log1.lastIndexOf('Reintegration ended (synchronize)'),
      );
      expect(await c().log('node2')).toMatch(/ I Begin of Swap/);
      // node2: ALONE -> PRIM as node1 joins, then the swap; node1: start as SECOND, then the swap.
      expect(await c().scripts('node2', from2)).toEqual([...ALONE_TO_PRIM, ...SWAP_TO_SECOND]);
      expect(await c().scripts('node1', from1)).toEqual([...START_AS_SECOND, ...SWAP_TO_PRIM]);
    });
  },
  { userconfig },
);
