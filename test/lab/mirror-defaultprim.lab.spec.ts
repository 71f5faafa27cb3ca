import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mirrorScenario } from './lab-scenario';
import { ROOT } from './keel-cluster';

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
      await c().keel('node1', 'start');
      await c().waitState('node1', 'PRIM', 30);
      await c().waitState('node2', 'SECOND');
      expect(await c().log('node1')).toMatch(/ V Transition SWAP from defaultprim/);
      expect(await c().log('node2')).toMatch(/ I Begin of Swap/);
    });
  },
  { userconfig },
);
